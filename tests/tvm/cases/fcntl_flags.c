/* F_GETFL/F_SETFL act on the shared description; F_GETFD/F_SETFD on the
 * descriptor alone. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-fcntl-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    int d = dup(fd);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_WRONLY));
    CHECK(fcntl(d, F_GETFL) & O_APPEND);
    CHECK(fcntl(d, F_GETFL) & O_NONBLOCK);
    CHECK_EQ(fcntl(d, F_GETFL) & O_ACCMODE, O_RDWR);
    CHECK_OK(fcntl(d, F_SETFL, 0));
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK), 0);

    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(d, F_GETFD), 0);
    CHECK_OK(fcntl(fd, F_SETFD, 0));
    CHECK_EQ(fcntl(fd, F_GETFD), 0);

    /* O_APPEND really appends. */
    write_all(fd, "abc", 3);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND));
    write_all(fd, "d", 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(fcntl(p[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
    return 0;
}
