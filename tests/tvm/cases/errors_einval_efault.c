/* Bad arguments get EINVAL (or EFAULT for null pointers, ERANGE for a short
 * buffer) and change nothing. */
#include "tvmtest.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

int main(void)
{
    /* Opaque to the compiler, so deliberate misuse is not rejected at
     * build time. */
    void *volatile null = NULL;
    volatile int minus_one = -1, too_many = 5000;
    int p[2];
    CHECK_OK(pipe(p));
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-einval-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    CHECK_ERR(lseek(fd, 0, 42), EINVAL);
    CHECK_ERR(lseek(fd, -10, SEEK_SET), EINVAL);
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(fcntl(fd, 12345), EINVAL);
    CHECK_ERR(dup3(fd, 30, 1), EINVAL);
    int q[2];
    CHECK_ERR(pipe2(q, O_APPEND), EINVAL);
    struct iovec v[2] = { { path, 1 }, { path, 1 } };
    CHECK_ERR(readv(fd, v, minus_one), EINVAL);
    CHECK_ERR(writev(fd, v, too_many), EINVAL);
    CHECK_ERR(accept4(fd, NULL, NULL, 0x1), EINVAL);
    char buf[8];
    CHECK(getcwd(buf, 0) == NULL && errno == EINVAL);
    CHECK(getcwd(buf, 1) == NULL && errno == ERANGE);
    CHECK_ERR(setenv("A=B", "x", 1), EINVAL);
    CHECK_ERR(setenv("", "x", 1), EINVAL);
    CHECK_ERR(unsetenv("A=B"), EINVAL);
    char tpl[] = "noXs";
    CHECK_ERR(mkstemp(tpl), EINVAL);
    CHECK_STR(tpl, "noXs");
    sigset_t s;
    sigemptyset(&s);
    CHECK_ERR(sigprocmask(99, &s, NULL), EINVAL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, NULL, &sa), EINVAL);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, 200), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, 12345), EINVAL);
    CHECK_ERR(access(".", 0x100), EINVAL);

    CHECK_ERR(read(p[0], null, 5), EFAULT);
    CHECK_ERR(pipe(null), EFAULT);
    CHECK_ERR(open(null, O_RDONLY), EFAULT);
    struct stat st;
    CHECK_ERR(stat(null, &st), EFAULT);
    CHECK_ERR(stat("/", null), EFAULT);
    CHECK_ERR(chdir(null), EFAULT);
    CHECK_ERR(execve(null, null, null), EFAULT);
    /* The descriptors still work after all that. */
    write_all(p[1], "ok", 2);
    CHECK_EQ(read(p[0], buf, 2), 2);
    return 0;
}
