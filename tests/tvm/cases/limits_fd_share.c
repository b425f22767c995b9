/* Every task's descriptors share the host process's table, so no task may
 * take it whole: RLIMIT_NOFILE's hard limit is at most an eighth of the
 * host's (not raisable past that, even by root, as past Linux's nr_open),
 * and a task that opens descriptors until EMFILE leaves the others room. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
    struct rlimit l;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &l));
    CHECK(l.rlim_max != RLIM_INFINITY && l.rlim_cur <= l.rlim_max);
    struct rlimit more = { l.rlim_max * 9, l.rlim_max * 9 };
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &more), EPERM);

    int ready[2], hold[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(hold));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The greedy task: its whole allowance. */
        struct rlimit all = { l.rlim_max, l.rlim_max };
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &all));
        close(hold[1]);
        size_t n = 0;
        for (;;) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd < 0) {
                CHECK_EQ(errno, EMFILE);
                break;
            }
            n++;
        }
        write_all(ready[1], &n, sizeof n);
        char b;
        read(hold[0], &b, 1);
        _exit(0);
    }
    size_t n;
    CHECK_EQ(read(ready[0], &n, sizeof n), (ssize_t)sizeof n);
    if (n + 16 < l.rlim_max)
        FAIL("the greedy task got %zu descriptors of its %lu", n, (unsigned long)l.rlim_max);
    /* The others still open descriptors, many of them. */
    int fds[64];
    for (int i = 0; i < 64; i++) {
        fds[i] = open("/dev/null", O_RDONLY);
        CHECK(fds[i] >= 0);
    }
    int p[2];
    CHECK_OK(pipe(p));
    close(p[0]);
    close(p[1]);
    for (int i = 0; i < 64; i++)
        close(fds[i]);
    close(hold[1]);
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
