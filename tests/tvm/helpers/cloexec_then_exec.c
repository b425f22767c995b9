/* cloexec_then_exec A B: marks A close-on-exec and B not, then execs
 * fd_probe A B. */
#include "tvmtest.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
    CHECK(argc == 3);
    int a = atoi(argv[1]), b = atoi(argv[2]);
    CHECK_OK(fcntl(a, F_SETFD, FD_CLOEXEC));
    CHECK_OK(fcntl(b, F_SETFD, 0));
    execl(TVMTEST_DIR "fd_probe", "fd_probe", argv[1], argv[2], (char *)NULL);
    FAIL("execl: %s", strerror(errno));
}
