/* Every descriptor call answers a bad descriptor with EBADF, and calls
 * against a descriptor's access mode too. */
#include "tvmtest.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

int main(void)
{
    char buf[8];
    struct stat st;
    int bad[] = { -1, 99, 1 << 20 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int fd = bad[i];
        CHECK_ERR(read(fd, buf, 1), EBADF);
        CHECK_ERR(write(fd, "x", 1), EBADF);
        CHECK_ERR(close(fd), EBADF);
        CHECK_ERR(dup(fd), EBADF);
        CHECK_ERR(fstat(fd, &st), EBADF);
        CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
        CHECK_ERR(fchdir(fd), EBADF);
        CHECK_ERR(fcntl(fd, F_GETFL), EBADF);
        CHECK_ERR(pread(fd, buf, 1, 0), EBADF);
        CHECK_ERR(ftruncate(fd, 0), EBADF);
        CHECK_ERR(fsync(fd), EBADF);
        CHECK_ERR(shutdown(fd, SHUT_RDWR), EBADF);
        CHECK_ERR(listen(fd, 1), EBADF);
        CHECK_ERR(openat(fd, "relative", O_RDONLY), EBADF);
        CHECK_ERR(fstatat(fd, "relative", &st, 0), EBADF);
    }
    /* An absolute path ignores the directory descriptor. */
    int fd = openat(99, "/dev/null", O_RDONLY);
    CHECK(fd >= 0);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);
    CHECK_ERR(close(fd), EBADF);
    fd = open("/dev/null", O_WRONLY);
    CHECK(fd >= 0);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    struct iovec v = { buf, 1 };
    CHECK_ERR(readv(fd, &v, 1), EBADF);
    close(fd);
    /* Socket calls on a non-socket. */
    CHECK_ERR(listen(0, 1), ENOTSOCK);
    return 0;
}
