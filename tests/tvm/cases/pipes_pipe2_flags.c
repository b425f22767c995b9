/* pipe2 flags: O_CLOEXEC, O_NONBLOCK (EAGAIN on empty and full pipes, with
 * partial writes), invalid flags and pointers. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe2(p, O_CLOEXEC));
    CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);

    CHECK_OK(pipe2(p, O_NONBLOCK));
    CHECK_EQ(fcntl(p[0], F_GETFD), 0);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    char buf[4096];
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    memset(buf, 'x', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(p[1], buf, sizeof buf);
        if (n < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        total += n;
    }
    CHECK_EQ(total, 65536);
    CHECK_ERR(write(p[1], buf, 1), EAGAIN);
    /* One page free: a bigger non-blocking write is partial. */
    CHECK_EQ(read(p[0], buf, 4096), 4096);
    char big[8192];
    memset(big, 'y', sizeof big);
    ssize_t n = write(p[1], big, sizeof big);
    CHECK(n > 0 && n < (ssize_t)sizeof big);
    close(p[0]);
    close(p[1]);

    CHECK_ERR(pipe2(p, 0x12345), EINVAL);
    return 0;
}
