/* One session may hold at most its share of the task cap while another
 * session has tasks (TVM_SESSION_MAX_TASKS, else half of TVM_MAX_TASKS,
 * else of 1024): a fork loop in a new session stops there with EAGAIN,
 * and this session can still fork. tests/test_tvm_cli.rs also runs this
 * with a small cap set in the environment. */
#include "tvmtest.h"
#include <stdlib.h>
#include <sys/resource.h>

static pid_t kids[4096];

int main(void)
{
    const char *env = getenv("TVM_MAX_TASKS");
    size_t cap = env ? (size_t)atol(env) : 1024;
    const char *share_env = getenv("TVM_SESSION_MAX_TASKS");
    size_t share = share_env ? (size_t)atol(share_env) : cap / 2;
    CHECK(share > 1 && share + 8 < cap && cap <= 4096);
    struct rlimit lim = { RLIM_INFINITY, RLIM_INFINITY };
    CHECK_OK(setrlimit(RLIMIT_NPROC, &lim));

    int hold[2], report[2];
    CHECK_OK(pipe(hold));
    CHECK_OK(pipe(report));
    pid_t leader = fork();
    CHECK(leader >= 0);
    if (leader == 0) {
        /* A new session that forks until it may not. */
        CHECK_EQ(setsid(), getpid());
        size_t made = fork_held_until_eagain(hold, kids, 4096);
        write_all(report[1], &made, sizeof made);
        close(hold[1]);
        release_held(hold, kids, 0, made);
        _exit(0);
    }
    size_t made = 0;
    CHECK_EQ(read(report[0], &made, sizeof made), (ssize_t)sizeof made);
    /* The leader and its children fill the session's share exactly. */
    if (made + 1 != share)
        FAIL("the new session stopped at %zu tasks; its share is %zu", made + 1, share);

    /* This session still forks, several at once. */
    int hold2[2];
    CHECK_OK(pipe(hold2));
    pid_t mine[8];
    CHECK_EQ(fork_held_until_eagain(hold2, mine, 8), (size_t)8);
    release_held(hold2, mine, 0, 8);
    check_fork_works();

    close(hold[1]);
    CHECK_EQ(wait_exit(leader), 0);
    return 0;
}
