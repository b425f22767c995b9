/* Descriptors are allocated below RLIMIT_NOFILE; at the limit open and dup
 * fail with EMFILE; a closed slot is reused; the limit is per task. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    CHECK(rl.rlim_cur >= 64);
    rl.rlim_cur = 64;
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    int last = -1, count = 0;
    for (;;) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            CHECK_EQ(errno, EMFILE);
            break;
        }
        last = fd;
        count++;
    }
    CHECK_EQ(last, 63);
    CHECK_EQ(count, 61);
    CHECK_ERR(dup(0), EMFILE);
    int p[2];
    CHECK_ERR(pipe(p), EMFILE);
    close(17);
    CHECK_EQ(open("/dev/null", O_RDONLY), 17);
    CHECK_ERR(open("/dev/null", O_RDONLY), EMFILE);

    /* A child gets the same limit; raising the soft limit again works. */
    close(17);
    close(18);
    char out[64];
    CHECK_EQ(capture_helper(out, sizeof out, "exit_with", "0", NULL), 0);
    rl.rlim_cur = 128;
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    CHECK_EQ(open("/dev/null", O_RDONLY), 17);
    CHECK_EQ(open("/dev/null", O_RDONLY), 18);
    CHECK_EQ(open("/dev/null", O_RDONLY), 64);
    rl.rlim_cur = 200;
    rl.rlim_max = 100;
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
    return 0;
}
