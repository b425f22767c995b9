/*
 * tvm_shim.h: forced into every guest translation unit (-include).
 *
 * A guest is an ordinary C program that believes it is a process. This
 * header first includes the system headers, then renames every call that
 * touches process state (descriptors, paths relative to the cwd, the
 * environment, process creation and exit, signal state, objects the host
 * C library would allocate) to its tvm_ version, so those calls reach the
 * runtime instead of the host C library.
 * Renaming is confined to guest code: the runtime and the host C library
 * are compiled without this header.
 *
 * Each tvm_ function is declared with the type of the libc function it
 * replaces (__typeof__), so a guest calls it exactly as before.
 * Functions that share their name with a struct tag (stat, sigaction, ...)
 * are renamed with function-like macros, which leave "struct stat" alone.
 */
#ifndef TVM_SHIM_H
#define TVM_SHIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <sys/types.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <assert.h>
#if defined(NDEBUG) && defined(__GLIBC__)
/* assert.h declares __assert_fail only without NDEBUG; the shim renames
 * it either way (a unit may include assert.h again after undefining
 * NDEBUG). glibc's declaration. */
extern void __assert_fail(const char *__assertion, const char *__file, unsigned int __line,
                          const char *__function) __THROW __attribute__((__noreturn__));
#endif
#include <dirent.h>
#include <err.h>
#include <malloc.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <iconv.h>
#include <ifaddrs.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <shadow.h>
#include <crypt.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <utmp.h>
#include <utmpx.h>

/* Functions whose tvm_ version has exactly the libc function's type. */
#define TVM_SHIM_FUNCTIONS(X) \
    X(read) X(write) X(pread) X(pwrite) X(close) X(dup) X(dup2) X(dup3) \
    X(pipe) X(pipe2) X(lseek) X(isatty) X(access) X(faccessat) \
    X(chdir) X(fchdir) X(getcwd) X(get_current_dir_name) \
    X(getpid) X(getppid) X(getpgrp) X(getpgid) X(getsid) \
    X(unlink) X(unlinkat) X(rmdir) X(link) X(linkat) X(symlink) \
    X(symlinkat) X(readlink) X(readlinkat) X(chown) X(lchown) X(fchown) \
    X(fchownat) X(truncate) X(ftruncate) X(fsync) X(fdatasync) \
    X(execve) X(execv) X(execvp) X(execvpe) X(execl) X(execlp) \
    X(execle) X(_exit) \
    X(open) X(openat) X(creat) X(fcntl) \
    X(stat) X(lstat) X(fstat) X(fstatat) X(mkdir) X(mkdirat) X(mknod) \
    X(mknodat) X(mkfifo) X(mkfifoat) X(chmod) X(fchmod) X(fchmodat) \
    X(umask) X(utimensat) X(futimens) \
    X(statvfs) X(fstatvfs) X(statfs) X(fstatfs) \
    X(utimes) X(lutimes) X(futimes) X(utime) X(flock) \
    X(readv) X(writev) X(preadv) X(pwritev) X(ioctl) \
    X(poll) X(ppoll) X(select) X(pselect) \
    X(syscall) X(inotify_init) X(inotify_init1) X(inotify_add_watch) X(inotify_rm_watch) \
    X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) \
    X(connect) X(send) X(sendto) X(sendmsg) X(recv) X(recvfrom) \
    X(recvmsg) X(shutdown) X(getsockopt) X(setsockopt) X(getsockname) \
    X(getpeername) \
    X(wait) X(waitpid) X(wait3) X(wait4) X(waitid) \
    X(posix_spawn) X(posix_spawnp) \
    X(posix_spawn_file_actions_init) X(posix_spawn_file_actions_destroy) \
    X(posix_spawn_file_actions_addclose) X(posix_spawn_file_actions_adddup2) \
    X(posix_spawn_file_actions_addopen) \
    X(posix_spawn_file_actions_addchdir_np) \
    X(posix_spawn_file_actions_addfchdir_np) \
    X(posix_spawnattr_init) X(posix_spawnattr_destroy) \
    X(posix_spawnattr_getflags) X(posix_spawnattr_setflags) \
    X(posix_spawnattr_getpgroup) X(posix_spawnattr_setpgroup) \
    X(posix_spawnattr_getsigmask) X(posix_spawnattr_setsigmask) \
    X(posix_spawnattr_getsigdefault) X(posix_spawnattr_setsigdefault) \
    X(posix_spawnattr_getschedpolicy) X(posix_spawnattr_setschedpolicy) \
    X(posix_spawnattr_getschedparam) X(posix_spawnattr_setschedparam) \
    X(exit) X(_Exit) X(atexit) X(on_exit) X(getenv) X(secure_getenv) \
    X(setenv) X(unsetenv) X(putenv) X(clearenv) X(realpath) X(mkstemp) \
    X(mkostemp) X(mkstemps) X(mkostemps) X(mkdtemp) \
    X(rename) X(renameat) X(renameat2) X(remove) X(dprintf) X(vdprintf) \
    X(sigaction) X(sigprocmask) X(pthread_sigmask) X(signal) \
    X(getrlimit) X(setrlimit) X(prlimit) \
    X(malloc) X(calloc) X(realloc) X(reallocarray) X(free) X(posix_memalign) \
    X(aligned_alloc) X(memalign) X(valloc) X(pvalloc) X(malloc_usable_size) \
    X(strdup) X(strndup) X(asprintf) X(vasprintf) X(getline) X(getdelim) \
    X(open_memstream) X(scandir) X(canonicalize_file_name) \
    X(kill) X(killpg) X(raise) X(abort) X(sigpending) X(sigsuspend) X(pause) \
    X(sigwait) X(sigwaitinfo) X(sigtimedwait) X(sigqueue) X(alarm) \
    X(setitimer) X(getitimer) X(sleep) X(usleep) X(nanosleep) \
    X(clock_nanosleep) X(setsid) X(setpgid) X(setpgrp) \
    X(fopen) X(fdopen) X(freopen) X(fclose) X(fflush) X(fread) X(fwrite) \
    X(fgetc) X(getc) X(getchar) X(fputc) X(putc) X(putchar) X(fgets) \
    X(fputs) X(puts) X(ungetc) X(perror) X(setvbuf) X(setbuf) X(setbuffer) \
    X(setlinebuf) X(fseek) X(ftell) X(fseeko) X(ftello) X(rewind) \
    X(fgetpos) X(fsetpos) X(feof) X(ferror) X(clearerr) X(fileno) \
    X(flockfile) X(funlockfile) X(ftrylockfile) X(tmpfile) X(fmemopen) \
    X(popen) X(pclose) X(system) X(printf) X(fprintf) X(vprintf) \
    X(vfprintf) X(scanf) X(fscanf) X(vscanf) X(vfscanf) X(err) X(errx) \
    X(warn) X(warnx) X(verr) X(verrx) X(vwarn) X(vwarnx) X(getopt) \
    X(getopt_long) X(getopt_long_only) X(__assert_fail) X(psignal) \
    X(strtok) X(strsignal) X(rand) X(srand) X(random) X(srandom) \
    X(initstate) X(setstate) X(drand48) X(lrand48) X(mrand48) X(srand48) \
    X(seed48) X(lcong48) X(localtime) X(gmtime) X(asctime) X(ctime) \
    X(getpwnam) X(getpwuid) X(getpwent) X(setpwent) X(endpwent) X(getspnam) X(crypt) \
    X(getusershell) X(setusershell) X(endusershell) \
    X(setutxent) X(getutxent) X(endutxent) X(getutxid) X(getutxline) X(pututxline) \
    X(getgrnam) X(getgrgid) X(getgrent) X(setgrent) X(endgrent) \
    X(ttyname) X(ttyname_r) X(getlogin) X(tmpnam) X(tempnam) \
    X(setlocale) X(localeconv) X(newlocale) X(uselocale) X(duplocale) \
    X(freelocale) X(gethostbyname) X(gethostbyname2) X(gethostbyaddr) \
    X(getservbyname) X(getservbyport) X(getprotobyname) \
    X(getprotobynumber) \
    X(opendir) X(fdopendir) X(readdir) X(readdir_r) X(rewinddir) X(seekdir) \
    X(telldir) X(closedir) X(dirfd) \
    X(regcomp) X(regexec) X(regerror) X(regfree) X(getaddrinfo) X(freeaddrinfo) \
    X(getifaddrs) X(freeifaddrs) X(iconv_open) X(iconv) X(iconv_close) \
    X(tcgetattr) X(tcsetattr) X(tcflush) X(tcdrain) X(tcflow) X(tcsendbreak) \
    X(tcgetpgrp) X(tcsetpgrp) X(tcgetsid) \
    X(posix_openpt) X(getpt) X(grantpt) X(unlockpt) X(ptsname) X(ptsname_r) \
    X(openpty) X(forkpty) X(login_tty) X(daemon) X(mmap)

/* Large-file variants whose argument types differ from the plain call. */
#define TVM_SHIM_LFS_FUNCTIONS(X) \
    X(stat64) X(lstat64) X(fstat64) X(fstatat64) X(statvfs64) \
    X(fstatvfs64) X(statfs64) X(fstatfs64) X(getrlimit64) X(setrlimit64) \
    X(prlimit64) X(fopen64) X(freopen64) X(fseeko64) X(ftello64) \
    X(tmpfile64) X(fgetpos64) X(fsetpos64) \
    X(readdir64) X(readdir64_r) X(scandir64) X(mmap64)

/* Naming a deprecated function (readdir_r) in __typeof__ warns; the tvm_
 * declaration does not inherit the attribute. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#define TVM_SHIM_DECLARE(name) extern __typeof__(name) tvm_##name;
TVM_SHIM_FUNCTIONS(TVM_SHIM_DECLARE)
TVM_SHIM_LFS_FUNCTIONS(TVM_SHIM_DECLARE)
#undef TVM_SHIM_DECLARE
#pragma GCC diagnostic pop

/* __typeof__ carries the type, not attributes: restate what the compiler
 * needs to know about control flow. */
extern void tvm_exit(int) __attribute__((__noreturn__));
extern void tvm__exit(int) __attribute__((__noreturn__));
extern void tvm__Exit(int) __attribute__((__noreturn__));
extern void tvm_abort(void) __attribute__((__noreturn__));
extern void tvm_err(int, const char *, ...) __attribute__((__noreturn__));
extern void tvm_errx(int, const char *, ...) __attribute__((__noreturn__));
extern void tvm_verr(int, const char *, __gnuc_va_list) __attribute__((__noreturn__));
extern void tvm_verrx(int, const char *, __gnuc_va_list) __attribute__((__noreturn__));
extern void tvm___assert_fail(const char *, const char *, unsigned int, const char *) __attribute__((__noreturn__));
/* Declared by hand: glibc marks siginterrupt deprecated, and __typeof__
 * would carry the warning into every unit. */
extern int tvm_siginterrupt(int __sig, int __interrupt);

/* A per-task global of a guest unit, as the guest build registers it. */
struct tvm_global {
    void *(*addr)(void);
    unsigned long size;
    const char *name;
};

/* The calling program's `environ` variable. */
extern char ***tvm_environ_location(void);

/* Per-task C library variables: the standard streams, getopt's state, the
 * program's names. Each is reached through its address, so a guest's own
 * "extern int optind;" still declares something valid. */
extern FILE **tvm_std_stream_location(int __which);
extern char **tvm_optarg_location(void);
extern int *tvm_optind_location(void);
extern int *tvm_opterr_location(void);
extern int *tvm_optopt_location(void);
extern char **tvm_program_name_location(void);
extern char **tvm_program_short_name_location(void);

/* Process creation and non-local jumps: the runtime's own, so a fork child
 * gets working copies (glibc's jmp_buf holds mangled pointers). */
extern pid_t tvm_fork(void);
extern pid_t tvm_vfork(void) __attribute__((__returns_twice__));
extern int tvm_setjmp(struct __jmp_buf_tag __env[1]) __attribute__((__returns_twice__));
extern int tvm_sigsetjmp(struct __jmp_buf_tag __env[1], int __savemask) __attribute__((__returns_twice__));
extern void tvm_longjmp(struct __jmp_buf_tag __env[1], int __val) __attribute__((__noreturn__));

/* <unistd.h> */
#define read tvm_read
#define write tvm_write
#define pread tvm_pread
#define pwrite tvm_pwrite
#define close tvm_close
#define dup tvm_dup
#define dup2 tvm_dup2
#define dup3 tvm_dup3
#define pipe tvm_pipe
#define pipe2 tvm_pipe2
#define lseek tvm_lseek
#define isatty tvm_isatty
#define access tvm_access
#define faccessat tvm_faccessat
#define chdir tvm_chdir
#define fchdir tvm_fchdir
#define getcwd tvm_getcwd
#define get_current_dir_name tvm_get_current_dir_name
#define getpid tvm_getpid
#define getppid tvm_getppid
#define getpgrp tvm_getpgrp
#define getpgid tvm_getpgid
#define getsid tvm_getsid
#define unlink tvm_unlink
#define unlinkat tvm_unlinkat
#define rmdir tvm_rmdir
#define link tvm_link
#define linkat tvm_linkat
#define symlink tvm_symlink
#define symlinkat tvm_symlinkat
#define readlink tvm_readlink
#define readlinkat tvm_readlinkat
#define chown tvm_chown
#define lchown tvm_lchown
#define fchown tvm_fchown
#define fchownat tvm_fchownat
#define truncate tvm_truncate
#define ftruncate tvm_ftruncate
#define fsync tvm_fsync
#define fdatasync tvm_fdatasync
#define execve tvm_execve
#define execv tvm_execv
#define execvp tvm_execvp
#define execvpe tvm_execvpe
#define execl tvm_execl
#define execlp tvm_execlp
#define execle tvm_execle
#define _exit tvm__exit

#define fork tvm_fork
#define vfork tvm_vfork

/* <setjmp.h>: glibc defines setjmp and sigsetjmp as macros. */
#undef setjmp
#undef sigsetjmp
#define setjmp tvm_setjmp
#define _setjmp tvm_setjmp
#define sigsetjmp tvm_sigsetjmp
#define __sigsetjmp tvm_sigsetjmp
#define longjmp tvm_longjmp
#define _longjmp tvm_longjmp
#define siglongjmp tvm_longjmp

/* <fcntl.h> */
#define open tvm_open
#define openat tvm_openat
#define creat tvm_creat
#define fcntl tvm_fcntl

/* <sys/stat.h>, <sys/statvfs.h>, <sys/statfs.h>, <sys/time.h>, <utime.h> */
#define stat(...) tvm_stat(__VA_ARGS__)
#define lstat tvm_lstat
#define fstat tvm_fstat
#define fstatat tvm_fstatat
#define mkdir tvm_mkdir
#define mkdirat tvm_mkdirat
#define mknod tvm_mknod
#define mknodat tvm_mknodat
#define mkfifo tvm_mkfifo
#define mkfifoat tvm_mkfifoat
#define chmod tvm_chmod
#define fchmod tvm_fchmod
#define fchmodat tvm_fchmodat
#define umask tvm_umask
#define utimensat tvm_utimensat
#define futimens tvm_futimens
#define statvfs(...) tvm_statvfs(__VA_ARGS__)
#define fstatvfs tvm_fstatvfs
#define statfs(...) tvm_statfs(__VA_ARGS__)
#define fstatfs tvm_fstatfs
#define utimes tvm_utimes
#define lutimes tvm_lutimes
#define futimes tvm_futimes
#define utime tvm_utime
#define stat64(...) tvm_stat64(__VA_ARGS__)
#define lstat64 tvm_lstat64
#define fstat64 tvm_fstat64
#define fstatat64 tvm_fstatat64
#define statvfs64(...) tvm_statvfs64(__VA_ARGS__)
#define fstatvfs64 tvm_fstatvfs64
#define statfs64(...) tvm_statfs64(__VA_ARGS__)
#define fstatfs64 tvm_fstatfs64

/* <sys/file.h>: "struct flock" is another thing, so function-like. */
#define flock(...) tvm_flock(__VA_ARGS__)

/* <sys/uio.h>, <sys/ioctl.h>, <poll.h>, <sys/select.h> */
#define readv tvm_readv
#define writev tvm_writev
#define preadv tvm_preadv
#define pwritev tvm_pwritev
#define ioctl tvm_ioctl
#define poll tvm_poll
#define ppoll tvm_ppoll
#define select tvm_select
#define pselect tvm_pselect

/* <unistd.h>: raw system calls (src/abi/syscall.rs). */
#define syscall tvm_syscall

/* <sys/inotify.h> */
#define inotify_init tvm_inotify_init
#define inotify_init1 tvm_inotify_init1
#define inotify_add_watch tvm_inotify_add_watch
#define inotify_rm_watch tvm_inotify_rm_watch

/* <sys/socket.h> */
#define socket tvm_socket
#define socketpair tvm_socketpair
#define bind tvm_bind
#define listen tvm_listen
#define accept tvm_accept
#define accept4 tvm_accept4
#define connect tvm_connect
#define send tvm_send
#define sendto tvm_sendto
#define sendmsg tvm_sendmsg
#define recv tvm_recv
#define recvfrom tvm_recvfrom
#define recvmsg tvm_recvmsg
#define shutdown tvm_shutdown
#define getsockopt tvm_getsockopt
#define setsockopt tvm_setsockopt
#define getsockname tvm_getsockname
#define getpeername tvm_getpeername

/* <sys/wait.h> */
#define wait tvm_wait
#define waitpid tvm_waitpid
#define wait3 tvm_wait3
#define wait4 tvm_wait4
#define waitid tvm_waitid

/* <spawn.h> */
#define posix_spawn tvm_posix_spawn
#define posix_spawnp tvm_posix_spawnp
#define posix_spawn_file_actions_init tvm_posix_spawn_file_actions_init
#define posix_spawn_file_actions_destroy tvm_posix_spawn_file_actions_destroy
#define posix_spawn_file_actions_addclose tvm_posix_spawn_file_actions_addclose
#define posix_spawn_file_actions_adddup2 tvm_posix_spawn_file_actions_adddup2
#define posix_spawn_file_actions_addopen tvm_posix_spawn_file_actions_addopen
#define posix_spawn_file_actions_addchdir_np tvm_posix_spawn_file_actions_addchdir_np
#define posix_spawn_file_actions_addfchdir_np tvm_posix_spawn_file_actions_addfchdir_np
#define posix_spawnattr_init tvm_posix_spawnattr_init
#define posix_spawnattr_destroy tvm_posix_spawnattr_destroy
#define posix_spawnattr_getflags tvm_posix_spawnattr_getflags
#define posix_spawnattr_setflags tvm_posix_spawnattr_setflags
#define posix_spawnattr_getpgroup tvm_posix_spawnattr_getpgroup
#define posix_spawnattr_setpgroup tvm_posix_spawnattr_setpgroup
#define posix_spawnattr_getsigmask tvm_posix_spawnattr_getsigmask
#define posix_spawnattr_setsigmask tvm_posix_spawnattr_setsigmask
#define posix_spawnattr_getsigdefault tvm_posix_spawnattr_getsigdefault
#define posix_spawnattr_setsigdefault tvm_posix_spawnattr_setsigdefault
#define posix_spawnattr_getschedpolicy tvm_posix_spawnattr_getschedpolicy
#define posix_spawnattr_setschedpolicy tvm_posix_spawnattr_setschedpolicy
#define posix_spawnattr_getschedparam tvm_posix_spawnattr_getschedparam
#define posix_spawnattr_setschedparam tvm_posix_spawnattr_setschedparam

/* <stdlib.h> */
#define exit tvm_exit
#define _Exit tvm__Exit
#define atexit tvm_atexit
#define on_exit tvm_on_exit
#define getenv tvm_getenv
#define secure_getenv tvm_secure_getenv
#define setenv tvm_setenv
#define unsetenv tvm_unsetenv
#define putenv tvm_putenv
#define clearenv tvm_clearenv
#define realpath tvm_realpath
#define mkstemp tvm_mkstemp
#define mkostemp tvm_mkostemp
#define mkstemps tvm_mkstemps
#define mkostemps tvm_mkostemps
#define mkdtemp tvm_mkdtemp
#define environ (*tvm_environ_location())
#define __environ (*tvm_environ_location())

/* <stdlib.h>, <malloc.h>, <string.h>: every allocation is the task's. */
#define malloc tvm_malloc
#define calloc tvm_calloc
#define realloc tvm_realloc
#define reallocarray tvm_reallocarray
#define free tvm_free
#define posix_memalign tvm_posix_memalign
#define aligned_alloc tvm_aligned_alloc
#define memalign tvm_memalign
#define valloc tvm_valloc
#define pvalloc tvm_pvalloc
#define malloc_usable_size tvm_malloc_usable_size
#define strdup tvm_strdup
#define strndup tvm_strndup
#define canonicalize_file_name tvm_canonicalize_file_name
#define scandir tvm_scandir

/* <stdio.h>: the runtime's own streams (a FILE * is the task's). */
#undef stdin
#undef stdout
#undef stderr
#define stdin (*tvm_std_stream_location(0))
#define stdout (*tvm_std_stream_location(1))
#define stderr (*tvm_std_stream_location(2))
#define fopen tvm_fopen
#define fdopen tvm_fdopen
#define freopen tvm_freopen
#define fclose tvm_fclose
#define fflush tvm_fflush
#define fread tvm_fread
#define fwrite tvm_fwrite
#define fgetc tvm_fgetc
#define getc tvm_getc
#define getchar tvm_getchar
#define fputc tvm_fputc
#define putc tvm_putc
#define putchar tvm_putchar
#define fgets tvm_fgets
#define fputs tvm_fputs
#define puts tvm_puts
#define ungetc tvm_ungetc
#define perror tvm_perror
#define setvbuf tvm_setvbuf
#define setbuf tvm_setbuf
#define setbuffer tvm_setbuffer
#define setlinebuf tvm_setlinebuf
#define fseek tvm_fseek
#define ftell tvm_ftell
#define fseeko tvm_fseeko
#define ftello tvm_ftello
#define rewind tvm_rewind
#define fgetpos tvm_fgetpos
#define fsetpos tvm_fsetpos
#define feof tvm_feof
#define ferror tvm_ferror
#define clearerr tvm_clearerr
#define fileno tvm_fileno
#define flockfile tvm_flockfile
#define funlockfile tvm_funlockfile
#define ftrylockfile tvm_ftrylockfile
#define tmpfile tvm_tmpfile
#define fmemopen tvm_fmemopen
#define popen tvm_popen
#define pclose tvm_pclose
#define printf tvm_printf
#define fprintf tvm_fprintf
#define vprintf tvm_vprintf
#define vfprintf tvm_vfprintf
#define scanf tvm_scanf
#define fscanf tvm_fscanf
#define vscanf tvm_vscanf
#define vfscanf tvm_vfscanf
/* A task has one thread, so the unlocked forms are the same calls
 * (glibc defines some of them as macros over its FILE). */
#undef fread_unlocked
#undef fwrite_unlocked
#define getc_unlocked tvm_getc
#define getchar_unlocked tvm_getchar
#define fgetc_unlocked tvm_fgetc
#define putc_unlocked tvm_putc
#define putchar_unlocked tvm_putchar
#define fputc_unlocked tvm_fputc
#define fread_unlocked tvm_fread
#define fwrite_unlocked tvm_fwrite
#define fgets_unlocked tvm_fgets
#define fputs_unlocked tvm_fputs
#define fflush_unlocked tvm_fflush
#define feof_unlocked tvm_feof
#define ferror_unlocked tvm_ferror
#define clearerr_unlocked tvm_clearerr
#define fileno_unlocked tvm_fileno
#define fopen64 tvm_fopen64
#define freopen64 tvm_freopen64
#define fseeko64 tvm_fseeko64
#define ftello64 tvm_ftello64
#define tmpfile64 tvm_tmpfile64
#define fgetpos64 tvm_fgetpos64
#define fsetpos64 tvm_fsetpos64
#define asprintf tvm_asprintf
#define vasprintf tvm_vasprintf
#define getline tvm_getline
#define getdelim tvm_getdelim
#define open_memstream tvm_open_memstream
#define rename tvm_rename
#define renameat tvm_renameat
#define renameat2 tvm_renameat2
#define remove tvm_remove
#define dprintf tvm_dprintf
#define vdprintf tvm_vdprintf

/* <dirent.h>: the runtime's own directory streams (a DIR * is the task's,
 * in its arena). alphasort and versionsort keep no state: the host's. */
#undef dirfd
#define opendir tvm_opendir
#define fdopendir tvm_fdopendir
#define readdir tvm_readdir
#define readdir_r tvm_readdir_r
#define rewinddir tvm_rewinddir
#define seekdir tvm_seekdir
#define telldir tvm_telldir
#define closedir tvm_closedir
#define dirfd tvm_dirfd
#define readdir64 tvm_readdir64
#define readdir64_r tvm_readdir64_r
#define scandir64 tvm_scandir64

/* <stdlib.h>: a shell command is a child task. */
#define system tvm_system

/* <err.h>, <assert.h>: messages go to the task's stderr. */
#define err tvm_err
#define errx tvm_errx
#define warn tvm_warn
#define warnx tvm_warnx
#define verr tvm_verr
#define verrx tvm_verrx
#define vwarn tvm_vwarn
#define vwarnx tvm_vwarnx
#define __assert_fail tvm___assert_fail
#define psignal tvm_psignal

/* Hidden per-process state of the C library, kept per task: strtok's
 * position, the random generators, the buffers localtime, getpwnam,
 * ttyname and friends return, the locale. */
#define strtok tvm_strtok
#define strsignal tvm_strsignal
#define rand tvm_rand
#define srand tvm_srand
#define random tvm_random
#define srandom tvm_srandom
#define initstate tvm_initstate
#define setstate tvm_setstate
#define drand48 tvm_drand48
#define lrand48 tvm_lrand48
#define mrand48 tvm_mrand48
#define srand48 tvm_srand48
#define seed48 tvm_seed48
#define lcong48 tvm_lcong48
#define localtime tvm_localtime
#define gmtime tvm_gmtime
#define asctime tvm_asctime
#define ctime tvm_ctime
#define getpwnam tvm_getpwnam
#define getpwuid tvm_getpwuid
#define getpwent tvm_getpwent
#define getusershell tvm_getusershell
#define setusershell tvm_setusershell
#define endusershell tvm_endusershell
#define setutxent tvm_setutxent
#define getutxent tvm_getutxent
#define endutxent tvm_endutxent
#define getutxid tvm_getutxid
#define getutxline tvm_getutxline
#define pututxline tvm_pututxline
#define setpwent tvm_setpwent
#define endpwent tvm_endpwent
#define getspnam tvm_getspnam
#define crypt tvm_crypt
#define getgrnam tvm_getgrnam
#define getgrgid tvm_getgrgid
#define getgrent tvm_getgrent
#define setgrent tvm_setgrent
#define endgrent tvm_endgrent
#define ttyname tvm_ttyname
#define ttyname_r tvm_ttyname_r

/* <termios.h>: the runtime's terminals (cfmakeraw and the cf*speed calls
 * only edit a struct termios, so they stay the host's). */
#define tcgetattr tvm_tcgetattr
#define tcsetattr tvm_tcsetattr
#define tcflush tvm_tcflush
#define tcdrain tvm_tcdrain
#define tcflow tvm_tcflow
#define tcsendbreak tvm_tcsendbreak
#define tcgetpgrp tvm_tcgetpgrp
#define tcsetpgrp tvm_tcsetpgrp
#define tcgetsid tvm_tcgetsid

/* <stdlib.h>, <pty.h>, <utmp.h>: pseudo-terminals. */
#define posix_openpt tvm_posix_openpt
#define getpt tvm_getpt
#define grantpt tvm_grantpt
#define unlockpt tvm_unlockpt
#define ptsname tvm_ptsname
#define ptsname_r tvm_ptsname_r
#define openpty tvm_openpty
#define forkpty tvm_forkpty
#define daemon tvm_daemon
#define login_tty tvm_login_tty

/* <sys/mman.h>: mapping a descriptor maps the task's file. */
#define mmap tvm_mmap
#define mmap64 tvm_mmap64
#define getlogin tvm_getlogin
#define tmpnam tvm_tmpnam
#define tempnam tvm_tempnam
#define setlocale tvm_setlocale
#define localeconv tvm_localeconv
#define newlocale tvm_newlocale
#define uselocale tvm_uselocale
#define duplocale tvm_duplocale
#define freelocale tvm_freelocale
#define gethostbyname tvm_gethostbyname
#define gethostbyname2 tvm_gethostbyname2
#define gethostbyaddr tvm_gethostbyaddr
#define getservbyname tvm_getservbyname
#define getservbyport tvm_getservbyport
#define getprotobyname tvm_getprotobyname
#define getprotobynumber tvm_getprotobynumber

/* <getopt.h>, <unistd.h>, <errno.h>: per-task variables. */
#define getopt tvm_getopt
#define getopt_long tvm_getopt_long
#define getopt_long_only tvm_getopt_long_only
#define optarg (*tvm_optarg_location())
#define optind (*tvm_optind_location())
#define opterr (*tvm_opterr_location())
#define optopt (*tvm_optopt_location())
#define program_invocation_name (*tvm_program_name_location())
#define program_invocation_short_name (*tvm_program_short_name_location())
#define __progname (*tvm_program_short_name_location())

/* <regex.h>, <netdb.h>, <ifaddrs.h>, <iconv.h>: objects the host C
 * library allocates, made safe across fork (docs/host-objects.md). */
#define regcomp tvm_regcomp
#define regexec tvm_regexec
#define regerror tvm_regerror
#define regfree tvm_regfree
#define getaddrinfo tvm_getaddrinfo
#define freeaddrinfo tvm_freeaddrinfo
#define getifaddrs tvm_getifaddrs
#define freeifaddrs tvm_freeifaddrs
#define iconv_open tvm_iconv_open
#define iconv tvm_iconv
#define iconv_close tvm_iconv_close

/* <signal.h>: "struct sigaction" is another thing, so function-like. */
#define sigaction(...) tvm_sigaction(__VA_ARGS__)
#define sigprocmask tvm_sigprocmask
#define pthread_sigmask tvm_pthread_sigmask
#define signal tvm_signal
#define siginterrupt tvm_siginterrupt
#define sigpending tvm_sigpending
#define sigsuspend tvm_sigsuspend
#define sigwait tvm_sigwait
#define sigwaitinfo tvm_sigwaitinfo
#define sigqueue tvm_sigqueue
#define sigtimedwait tvm_sigtimedwait
#define kill tvm_kill
#define killpg tvm_killpg
#define raise tvm_raise
#define abort tvm_abort

/* Process groups, sessions, sleeping and timers. */
#define setsid tvm_setsid
#define setpgid tvm_setpgid
#define setpgrp tvm_setpgrp
#define pause tvm_pause
#define alarm tvm_alarm
#define setitimer tvm_setitimer
#define getitimer tvm_getitimer
#define sleep tvm_sleep
#define usleep tvm_usleep
#define nanosleep tvm_nanosleep
#define clock_nanosleep tvm_clock_nanosleep

/* <sys/resource.h> */
#define getrlimit tvm_getrlimit
#define setrlimit tvm_setrlimit
#define prlimit tvm_prlimit
#define getrlimit64 tvm_getrlimit64
#define setrlimit64 tvm_setrlimit64
#define prlimit64 tvm_prlimit64

/* Large-file aliases: on LP64 targets they have the plain call's type. */
#define open64 tvm_open
#define openat64 tvm_openat
#define creat64 tvm_creat
#define fcntl64 tvm_fcntl
#define lseek64 tvm_lseek
#define pread64 tvm_pread
#define pwrite64 tvm_pwrite
#define preadv64 tvm_preadv
#define pwritev64 tvm_pwritev
#define truncate64 tvm_truncate
#define ftruncate64 tvm_ftruncate
#define mkstemp64 tvm_mkstemp
#define mkostemp64 tvm_mkostemp
#define mkstemps64 tvm_mkstemps
#define mkostemps64 tvm_mkostemps

#endif
