/* dup, dup2, dup3: shared offsets, closing the target, same-descriptor
 * cases, lowest free descriptor, errors. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-dup-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    int d = dup(fd);
    CHECK_EQ(d, fd + 1);
    write_all(fd, "hello", 5);
    CHECK_EQ(lseek(d, 0, SEEK_CUR), 5);
    write_all(d, "world", 5);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 10);
    CHECK_EQ(lseek(d, 0, SEEK_SET), 0);
    char buf[16] = { 0 };
    CHECK_EQ(read(fd, buf, 10), 10);
    CHECK_STR(buf, "helloworld");

    /* dup2 onto an open descriptor replaces it. */
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(dup2(p[1], d), d);
    write_all(d, "z", 1);
    char b;
    CHECK_EQ(read(p[0], &b, 1), 1);
    CHECK_EQ(b, 'z');
    CHECK_EQ(dup2(fd, fd), fd);
    CHECK_ERR(dup2(99, 50), EBADF);
    CHECK_ERR(dup2(fd, -1), EBADF);
    CHECK_ERR(dup2(fd, 1 << 24), EBADF);
    CHECK_ERR(dup2(-5, fd), EBADF);

    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_ERR(dup3(fd, 40, 0x4), EINVAL);
    CHECK_EQ(dup3(fd, 40, O_CLOEXEC), 40);
    CHECK_EQ(fcntl(40, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(dup3(fd, 40, 0), 40);
    CHECK_EQ(fcntl(40, F_GETFD), 0);

    /* Lowest free descriptor. */
    int lowest = fd;
    close(lowest);
    CHECK_EQ(dup(p[0]), lowest);
    CHECK_ERR(dup(99), EBADF);
    return 0;
}
