/* The runtime caps its live tasks (TVM_MAX_TASKS, else 1024): at the cap
 * fork fails with EAGAIN whatever RLIMIT_NPROC says, and a reaped child
 * makes room again. One session may hold only its share of the cap
 * (limits_session_share), so the cap is filled by several sessions, each
 * forking until it may not. tests/test_tvm_cli.rs also runs this with a
 * small cap set in the environment. */
#include "tvmtest.h"
#include "tvm.h"
#include <stdlib.h>
#include <sys/resource.h>

static size_t live_tasks(void)
{
    tvm_memory_stats_t s;
    CHECK_EQ(tvm_memory_stats(&s), 0);
    return s.tasks;
}

static pid_t kids[4096], leaders[4096];

int main(void)
{
    const char *env = getenv("TVM_MAX_TASKS");
    size_t cap = env ? (size_t)atol(env) : 1024;
    CHECK(cap > 2 && cap <= 4096);
    struct rlimit lim = { RLIM_INFINITY, RLIM_INFINITY };
    CHECK_OK(setrlimit(RLIMIT_NPROC, &lim));

    int hold[2], report[2];
    CHECK_OK(pipe(hold));
    CHECK_OK(pipe(report));
    size_t n = 0;
    for (;;) {
        pid_t leader = fork();
        if (leader < 0) {
            CHECK_EQ(errno, EAGAIN);
            break;
        }
        if (leader == 0) {
            CHECK_EQ(setsid(), getpid());
            size_t made = fork_held_until_eagain(hold, kids, 4096);
            write_all(report[1], &made, sizeof made);
            close(hold[1]);
            release_held(hold, kids, 0, made);
            _exit(0);
        }
        leaders[n++] = leader;
        if (n >= 4096)
            FAIL("no cap after %zu sessions", n);
        size_t made;
        CHECK_EQ(read(report[0], &made, sizeof made), (ssize_t)sizeof made);
    }
    if (live_tasks() != cap)
        FAIL("fork failed with %zu live tasks, the cap is %zu", live_tasks(), cap);

    /* A reaped task makes room (its held children live on). */
    CHECK_OK(kill(leaders[n - 1], SIGKILL));
    CHECK_EQ(waitpid(leaders[n - 1], NULL, 0), leaders[n - 1]);
    check_fork_works();
    close(hold[1]);
    for (size_t i = 0; i + 1 < n; i++)
        CHECK_EQ(wait_exit(leaders[i]), 0);
    return 0;
}
