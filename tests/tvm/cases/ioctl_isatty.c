/* isatty and the descriptor ioctls: FIONREAD, FIONBIO, FIOCLEX/FIONCLEX;
 * the inode attribute requests chattr uses reach a host file (on a
 * filesystem with attributes: ext4 /tmp here); unknown requests are
 * ENOTTY. */
#include "tvmtest.h"
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    errno = 0;
    CHECK_EQ(isatty(p[0]), 0);
    CHECK_EQ(errno, ENOTTY);
    errno = 0;
    CHECK_EQ(isatty(77), 0);
    CHECK_EQ(errno, EBADF);
    int fd = open("/dev/null", O_RDONLY);
    errno = 0;
    CHECK_EQ(isatty(fd), 0);
    CHECK_EQ(errno, ENOTTY);

    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-ioctl-XXXXXX");
    int ffd = mkstemp(path);
    CHECK(ffd >= 0);
    int attrs = -1;
    CHECK_OK(ioctl(ffd, FS_IOC_GETFLAGS, &attrs));
    CHECK(attrs >= 0);
    attrs |= FS_NODUMP_FL;
    CHECK_OK(ioctl(ffd, FS_IOC_SETFLAGS, &attrs));
    attrs = 0;
    CHECK_OK(ioctl(ffd, FS_IOC_GETFLAGS, &attrs));
    CHECK(attrs & FS_NODUMP_FL);
    CHECK_ERR(ioctl(p[0], FS_IOC_GETFLAGS, &attrs), ENOTTY);
    close(ffd);
    CHECK_OK(unlink(path));

    write_all(p[1], "12345", 5);
    int n = -1;
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 5);
    char buf[8];
    CHECK_EQ(read(p[0], buf, 5), 5);
    int on = 1;
    CHECK_OK(ioctl(p[0], FIONBIO, &on));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    on = 0;
    CHECK_OK(ioctl(p[0], FIONBIO, &on));
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);

    CHECK_OK(ioctl(p[0], FIOCLEX));
    CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    CHECK_OK(ioctl(p[0], FIONCLEX));
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);

    struct termios t;
    CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    CHECK_ERR(ioctl(p[0], 0x5401ff, &n), ENOTTY);
    CHECK_ERR(ioctl(99, FIONREAD, &n), EBADF);
    return 0;
}
