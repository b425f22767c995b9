/* F_DUPFD/F_DUPFD_CLOEXEC pick the lowest free descriptor at or above the
 * argument; out-of-range arguments are EINVAL; unknown commands EINVAL. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
    CHECK_EQ(fcntl(1, F_DUPFD, 10), 10);
    CHECK_EQ(fcntl(1, F_DUPFD, 10), 11);
    CHECK_EQ(fcntl(1, F_DUPFD, 5), 5);
    int c = fcntl(1, F_DUPFD_CLOEXEC, 10);
    CHECK_EQ(c, 12);
    CHECK_EQ(fcntl(c, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(10, F_GETFD), 0);
    CHECK_ERR(fcntl(1, F_DUPFD, -1), EINVAL);
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK_ERR(fcntl(1, F_DUPFD, (int)rl.rlim_cur), EINVAL);
    CHECK_ERR(fcntl(99, F_DUPFD, 0), EBADF);
    CHECK_ERR(fcntl(99, F_GETFD), EBADF);
    CHECK_ERR(fcntl(1, 9999), EINVAL);
    return 0;
}
