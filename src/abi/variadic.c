/*
 * Variadic entry points of the C ABI.
 *
 * Stable Rust cannot define C-variadic functions, so the few calls that take
 * "..." are defined here: each reads its optional arguments and calls the
 * fixed-argument tvm_* function in Rust. This file is runtime code: it is
 * compiled without the guest shim and names the tvm_* functions directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

int tvm_openat_mode(int dirfd, const char *path, int flags, unsigned mode);
int tvm_fcntl_arg(int fd, int cmd, unsigned long arg);
int tvm_ioctl_arg(int fd, unsigned long req, void *arg);
long tvm_syscall_args(long nr, const long args[6]);
int tvm_execve(const char *path, char *const argv[], char *const envp[]);
int tvm_execvp(const char *file, char *const argv[]);
char ***tvm_environ_location(void);
ssize_t tvm_write(int fd, const void *buf, size_t count);
void *tvm_malloc(size_t size);

int tvm_open(const char *path, int flags, ...);
int tvm_open64(const char *path, int flags, ...);
int tvm_openat(int dirfd, const char *path, int flags, ...);
int tvm_openat64(int dirfd, const char *path, int flags, ...);
int tvm_fcntl(int fd, int cmd, ...);
int tvm_fcntl64(int fd, int cmd, ...);
int tvm_ioctl(int fd, unsigned long req, ...);
long tvm_syscall(long nr, ...);
int tvm_execl(const char *path, const char *arg, ...);
int tvm_execlp(const char *file, const char *arg, ...);
int tvm_execle(const char *path, const char *arg, ...);
int tvm_vdprintf(int fd, const char *fmt, va_list ap);
int tvm_dprintf(int fd, const char *fmt, ...);
int tvm_vasprintf(char **out, const char *fmt, va_list ap);
int tvm_asprintf(char **out, const char *fmt, ...);

/* open(2) reads a mode only when it may create a file. */
static unsigned open_mode(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return va_arg(ap, unsigned);
    return 0;
}

int tvm_open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    unsigned mode = open_mode(flags, ap);
    va_end(ap);
    return tvm_openat_mode(AT_FDCWD, path, flags, mode);
}

int tvm_open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    unsigned mode = open_mode(flags, ap);
    va_end(ap);
    return tvm_openat_mode(AT_FDCWD, path, flags, mode);
}

int tvm_openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    unsigned mode = open_mode(flags, ap);
    va_end(ap);
    return tvm_openat_mode(dirfd, path, flags, mode);
}

int tvm_openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    unsigned mode = open_mode(flags, ap);
    va_end(ap);
    return tvm_openat_mode(dirfd, path, flags, mode);
}

/*
 * fcntl(2) and ioctl(2) take an int or a pointer; like the C library, read
 * one machine word whatever the command (commands without an argument
 * ignore it).
 */
int tvm_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    unsigned long arg = va_arg(ap, unsigned long);
    va_end(ap);
    return tvm_fcntl_arg(fd, cmd, arg);
}

int tvm_fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    unsigned long arg = va_arg(ap, unsigned long);
    va_end(ap);
    return tvm_fcntl_arg(fd, cmd, arg);
}

int tvm_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return tvm_ioctl_arg(fd, req, arg);
}

/*
 * syscall(2): like the C library, read six machine words whatever the
 * number (a call with fewer arguments ignores the rest).
 */
long tvm_syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    long args[6];
    for (int i = 0; i < 6; i++)
        args[i] = va_arg(ap, long);
    va_end(ap);
    return tvm_syscall_args(nr, args);
}

/* Counts the arguments after `first` up to the terminating null pointer. */
static size_t count_args(const char *first, va_list ap)
{
    size_t n = 0;
    if (first == NULL)
        return 0;
    n = 1;
    while (va_arg(ap, const char *) != NULL)
        n++;
    return n;
}

/* Fills argv[0..n] from `first` and the va_list, then the null terminator. */
static void collect_args(char **argv, size_t n, const char *first, va_list ap)
{
    if (n > 0)
        argv[0] = (char *)first;
    for (size_t i = 1; i < n; i++)
        argv[i] = va_arg(ap, char *);
    argv[n] = NULL;
}

int tvm_execl(const char *path, const char *arg, ...)
{
    va_list ap, aq;
    va_start(ap, arg);
    va_copy(aq, ap);
    size_t n = count_args(arg, aq);
    va_end(aq);
    char *argv[n + 1];
    collect_args(argv, n, arg, ap);
    va_end(ap);
    return tvm_execve(path, argv, *tvm_environ_location());
}

int tvm_execlp(const char *file, const char *arg, ...)
{
    va_list ap, aq;
    va_start(ap, arg);
    va_copy(aq, ap);
    size_t n = count_args(arg, aq);
    va_end(aq);
    char *argv[n + 1];
    collect_args(argv, n, arg, ap);
    va_end(ap);
    return tvm_execvp(file, argv);
}

int tvm_execle(const char *path, const char *arg, ...)
{
    va_list ap, aq;
    va_start(ap, arg);
    va_copy(aq, ap);
    size_t n = count_args(arg, aq);
    va_end(aq);
    char *argv[n + 1];
    collect_args(argv, n, arg, ap);
    /* After the argument list's null terminator comes envp. */
    if (n > 0)
        (void)va_arg(ap, char *);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return tvm_execve(path, argv, envp);
}

int tvm_vdprintf(int fd, const char *fmt, va_list ap)
{
    char small[512];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    if (n < 0)
        return -1;
    char *text = small;
    char *big = NULL;
    if ((size_t)n >= sizeof small) {
        big = malloc((size_t)n + 1);
        if (big == NULL) {
            errno = ENOMEM;
            return -1;
        }
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        text = big;
    }
    size_t done = 0;
    while (done < (size_t)n) {
        ssize_t w = tvm_write(fd, text + done, (size_t)n - done);
        if (w < 0) {
            free(big);
            return -1;
        }
        done += (size_t)w;
    }
    free(big);
    return n;
}

int tvm_dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

/* asprintf(3): the string is allocated in the task's arena. */
int tvm_vasprintf(char **out, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return -1;
    char *s = tvm_malloc((size_t)n + 1);
    if (s == NULL)
        return -1;
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    *out = s;
    return n;
}

int tvm_asprintf(char **out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vasprintf(out, fmt, ap);
    va_end(ap);
    return n;
}
