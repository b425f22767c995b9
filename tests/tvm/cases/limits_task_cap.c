/* The runtime caps its live tasks (TVM_MAX_TASKS, else 1024): at the cap
 * fork fails with EAGAIN whatever RLIMIT_NPROC says, and a reaped child
 * makes room again. tests/test_tvm_cli.rs also runs this with a small cap
 * set in the environment. */
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

int main(void)
{
    const char *env = getenv("TVM_MAX_TASKS");
    size_t cap = env ? (size_t)atol(env) : 1024;
    CHECK(cap > 2 && cap <= 4096);
    struct rlimit lim = { RLIM_INFINITY, RLIM_INFINITY };
    CHECK_OK(setrlimit(RLIMIT_NPROC, &lim));

    int hold[2];
    CHECK_OK(pipe(hold));
    static pid_t kids[4096];
    size_t made = fork_held_until_eagain(hold, kids, 4096);
    if (made >= 4096)
        FAIL("no cap after %zu children", made);
    if (live_tasks() != cap)
        FAIL("fork failed with %zu live tasks, the cap is %zu", live_tasks(), cap);

    CHECK_OK(kill(kids[0], SIGKILL));
    CHECK_EQ(waitpid(kids[0], NULL, 0), kids[0]);
    check_fork_works();
    release_held(hold, kids, 1, made);
    return 0;
}
