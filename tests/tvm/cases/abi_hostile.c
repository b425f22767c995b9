/* Hostile arguments at the system-call entry points: bad descriptors
 * (negative, huge, closed, of the wrong kind), NULL and over-long paths,
 * bad flags, commands, signals, clocks and lengths. Each call must fail
 * with Linux's errno and nothing may crash. This case also runs natively
 * (abi_hostile_native), so every expected errno below is the host
 * kernel's own. */
#include "tvmtest.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>

/* A pointer the compiler cannot see is NULL (a literal NULL trips
 * -Wnonnull where glibc declares the argument nonnull). */
static void *volatile null_ptr;

#define CHECK_NULL_ERR(expr, err)                                                           \
    do {                                                                                    \
        errno = 0;                                                                          \
        const void *tvm_p_ = (const void *)(expr);                                          \
        if (tvm_p_ != NULL || errno != (err))                                               \
            FAIL("%s: got %p errno %d (%s), want NULL errno %d", #expr, tvm_p_, errno,       \
                 strerror(errno), (int)(err));                                              \
    } while (0)

static void bad_descriptor(int fd)
{
    char buf[8] = { 0 };
    struct iovec iov = { buf, sizeof buf };
    struct stat st;
    struct termios t;
    struct winsize ws;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int one = 1;

    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_ERR(write(fd, buf, 1), EBADF);
    CHECK_ERR(pread(fd, buf, 1, 0), EBADF);
    CHECK_ERR(pwrite(fd, buf, 1, 0), EBADF);
    CHECK_ERR(readv(fd, &iov, 1), EBADF);
    CHECK_ERR(writev(fd, &iov, 1), EBADF);
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(dup(fd), EBADF);
    CHECK_ERR(dup2(fd, 10), EBADF);
    CHECK_ERR(dup3(fd, 10, 0), EBADF);
    CHECK_ERR(fcntl(fd, F_GETFD), EBADF);
    CHECK_ERR(fcntl(fd, F_SETFL, O_NONBLOCK), EBADF);
    CHECK_ERR(fcntl(fd, F_DUPFD, 0), EBADF);
    CHECK_ERR(fstat(fd, &st), EBADF);
    CHECK_ERR(fchmod(fd, 0600), EBADF);
    CHECK_ERR(fchown(fd, getuid(), getgid()), EBADF);
    CHECK_ERR(ftruncate(fd, 0), EBADF);
    CHECK_ERR(fsync(fd), EBADF);
    CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), EBADF);
    errno = 0;
    CHECK_EQ(isatty(fd), 0);
    CHECK_EQ(errno, EBADF);
    CHECK_ERR(tcgetattr(fd, &t), EBADF);
    CHECK_ERR(tcgetpgrp(fd), EBADF);
    CHECK_ERR(fchdir(fd), EBADF);
    CHECK_ERR(flock(fd, LOCK_SH), EBADF);
    CHECK_ERR(openat(fd, "x", O_RDONLY), EBADF);
    CHECK_ERR(fstatat(fd, "x", &st, 0), EBADF);
    CHECK_ERR(mkdirat(fd, "x", 0700), EBADF);
    CHECK_ERR(unlinkat(fd, "x", 0), EBADF);
    CHECK_ERR(readlinkat(fd, "x", buf, sizeof buf), EBADF);
    CHECK_ERR(faccessat(fd, "x", F_OK, 0), EBADF);
    CHECK_ERR(fchmodat(fd, "x", 0600, 0), EBADF);
    CHECK_ERR(renameat(fd, "x", fd, "y"), EBADF);
    CHECK_ERR(symlinkat("a", fd, "x"), EBADF);
    CHECK_ERR(accept(fd, (struct sockaddr *)&sa, &sl), EBADF);
    CHECK_ERR(listen(fd, 1), EBADF);
    CHECK_ERR(shutdown(fd, SHUT_RDWR), EBADF);
    CHECK_ERR(getsockname(fd, (struct sockaddr *)&sa, &sl), EBADF);
    CHECK_ERR(getpeername(fd, (struct sockaddr *)&sa, &sl), EBADF);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), EBADF);
    CHECK_ERR(send(fd, buf, 1, 0), EBADF);
    CHECK_ERR(recv(fd, buf, 1, MSG_DONTWAIT), EBADF);
    CHECK_NULL_ERR(fdopen(fd, "r"), EBADF);
    CHECK_NULL_ERR(fdopendir(fd), EBADF);
    errno = 0;
    void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(m == MAP_FAILED);
    CHECK_EQ(errno, EBADF);
}

/* A descriptor of the wrong kind: /dev/null (not a socket, a terminal or
 * a directory) and the ends of a pipe. */
static void wrong_kind(void)
{
    char buf[8] = { 0 };
    struct termios t;
    struct winsize ws;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int devnull = open("/dev/null", O_RDONLY);
    CHECK(devnull >= 0);
    CHECK_ERR(accept(devnull, (struct sockaddr *)&sa, &sl), ENOTSOCK);
    CHECK_ERR(listen(devnull, 1), ENOTSOCK);
    CHECK_ERR(getsockname(devnull, (struct sockaddr *)&sa, &sl), ENOTSOCK);
    CHECK_ERR(shutdown(devnull, SHUT_RD), ENOTSOCK);
    CHECK_ERR(send(devnull, buf, 1, 0), ENOTSOCK);
    CHECK_ERR(tcgetattr(devnull, &t), ENOTTY);
    CHECK_ERR(ioctl(devnull, TIOCGWINSZ, &ws), ENOTTY);
    errno = 0;
    CHECK_EQ(isatty(devnull), 0);
    CHECK_EQ(errno, ENOTTY);
    CHECK_ERR(fchdir(devnull), ENOTDIR);
    CHECK_ERR(write(devnull, buf, 1), EBADF);
    CHECK_ERR(openat(devnull, "x", O_RDONLY), ENOTDIR);
    close(devnull);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR(pwrite(p[1], buf, 1, 0), ESPIPE);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    CHECK_ERR(write(p[0], buf, 1), EBADF);
    CHECK_ERR(ftruncate(p[1], 0), EINVAL);
    close(p[0]);
    close(p[1]);

    int f = open("abi_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(f >= 0);
    CHECK_EQ(write(f, "hello", 5), 5);
    CHECK_ERR(lseek(f, 0, 12345), EINVAL);
    CHECK_ERR(lseek(f, -1, SEEK_SET), EINVAL);
    CHECK_ERR(pread(f, null_ptr, 5, 0), EFAULT);
    CHECK_ERR(ftruncate(f, -1), EINVAL);
    close(f);
    int ro = open("abi_file", O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(write(ro, buf, 1), EBADF);
    CHECK_ERR(ftruncate(ro, 0), EINVAL);
    close(ro);
    CHECK_ERR(openat(AT_FDCWD, "abi_file/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(mkdir("abi_file", 0700), EEXIST);
    CHECK_ERR(rmdir("abi_file"), ENOTDIR);
    CHECK_OK(unlink("abi_file"));
    CHECK_ERR(unlink("abi_file"), ENOENT);
}

/* Lengths far past the buffer: a range that wraps or leaves the user
 * address space is EFAULT before anything moves (Linux's access_ok). */
static void huge_lengths(void)
{
    char buf[16] = { 0 };
    struct iovec iov = { buf, sizeof buf };
    volatile size_t huge = SIZE_MAX;
    int devnull = open("/dev/null", O_RDWR);
    CHECK(devnull >= 0);
    CHECK_ERR(read(devnull, buf, huge), EFAULT);
    CHECK_ERR(write(devnull, buf, huge), EFAULT);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(write(p[1], "hello", 5), 5);
    CHECK_ERR(read(p[0], buf, huge), EFAULT);
    CHECK_EQ(read(p[0], buf, sizeof buf), 5);
    CHECK_EQ(memcmp(buf, "hello", 5), 0);
    volatile int minus = -1, many = 1 << 20;
    CHECK_ERR(writev(p[1], &iov, minus), EINVAL);
    CHECK_ERR(writev(p[1], &iov, many), EINVAL);
    CHECK_ERR(readv(p[0], &iov, minus), EINVAL);
    close(p[0]);
    close(p[1]);
    close(devnull);
    CHECK_NULL_ERR(getcwd(buf, 0), EINVAL);
    CHECK_NULL_ERR(getcwd(buf, 1), ERANGE);
    CHECK_ERR(gethostname(buf, 0), ENAMETOOLONG);
}

static void bad_paths(void)
{
    struct stat st;
    char buf[8];
    CHECK_ERR(open(null_ptr, O_RDONLY), EFAULT);
    CHECK_ERR(stat(null_ptr, &st), EFAULT);
    CHECK_ERR(chdir(null_ptr), EFAULT);
    CHECK_ERR(mkdir(null_ptr, 0700), EFAULT);
    CHECK_ERR(unlink(null_ptr), EFAULT);
    CHECK_ERR(access(null_ptr, F_OK), EFAULT);
    CHECK_ERR(readlink(null_ptr, buf, sizeof buf), EFAULT);
    CHECK_ERR(rename(null_ptr, "x"), EFAULT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(stat("", &st), ENOENT);
    CHECK_ERR(chdir(""), ENOENT);
    CHECK_ERR(mkdir("", 0700), ENOENT);
    CHECK_ERR(access("/", 12345), EINVAL);

    static char longpath[PATH_MAX + 100], longname[NAME_MAX + 20];
    memset(longpath, 'a', sizeof longpath - 1);
    memset(longname, 'b', sizeof longname - 1);
    CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
    CHECK_ERR(stat(longpath, &st), ENAMETOOLONG);
    CHECK_ERR(mkdir(longname, 0700), ENAMETOOLONG);
    CHECK_ERR(open(longname, O_RDONLY), ENAMETOOLONG);
}

static void bad_flags_and_numbers(void)
{
    int p[2];
    sigset_t set;
    struct sigaction sa = { .sa_handler = SIG_IGN };
    struct rlimit rl;
    struct timespec ts;
    int st;

    CHECK_ERR(dup3(1, 1, 0), EINVAL);
    CHECK_ERR(dup3(1, 10, 0x1234), EINVAL);
    CHECK_ERR(pipe2(p, 0x1234), EINVAL);
    CHECK_ERR(fcntl(1, 12345), EINVAL);
    CHECK_ERR(fcntl(1, F_DUPFD, -1), EINVAL);
    CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, 12345, 0), EINVAL);
    sigemptyset(&set);
    CHECK_ERR(sigprocmask(12345, &set, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
    CHECK_ERR(kill(getpid(), 12345), EINVAL);
    CHECK_ERR(kill(INT_MAX, 0), ESRCH);
    CHECK_ERR(waitpid(-1, &st, 0x12345678), EINVAL);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_ERR(getrlimit(12345, &rl), EINVAL);
    CHECK_ERR(setrlimit(12345, &rl), EINVAL);
    CHECK_ERR(clock_gettime(12345, &ts), EINVAL);
    struct timespec bad_ns = { 0, 2000000000L }, neg = { -1, 0 };
    CHECK_ERR(nanosleep(&bad_ns, NULL), EINVAL);
    CHECK_ERR(nanosleep(&neg, NULL), EINVAL);
    CHECK_ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
    struct pollfd pf = { 0, POLLIN, 0 };
    volatile nfds_t huge = (nfds_t)1 << 30;
    CHECK_ERR(poll(&pf, huge, 0), EINVAL);
}

/* poll reports a bad descriptor in revents; select fails. */
static void polling(int closed)
{
    struct pollfd pf[2] = { { -1, POLLIN, 0 }, { closed, POLLIN, 0 } };
    CHECK_EQ(poll(pf, 2, 0), 1);
    CHECK_EQ(pf[0].revents, 0);
    CHECK_EQ(pf[1].revents, POLLNVAL);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(closed, &r);
    struct timeval zero = { 0, 0 };
    CHECK_ERR(select(closed + 1, &r, NULL, NULL, &zero), EBADF);
}

int main(void)
{
    int closed = 900;
    close(closed);
    const int fds[] = { -1, INT_MIN, INT_MAX, 1 << 20, closed };
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        bad_descriptor(fds[i]);
    wrong_kind();
    huge_lengths();
    bad_paths();
    bad_flags_and_numbers();
    /* select ignores descriptors past the host's table (as Linux does),
     * so its closed descriptor is a low one. */
    int low = dup(0);
    CHECK(low >= 0);
    close(low);
    polling(low);
    return 0;
}
