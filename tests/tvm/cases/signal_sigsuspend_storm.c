/* sigsuspend under a ping-pong of 1,000 signals each way: every sigsuspend
 * wakes for exactly one signal, and none is lost (a lost one would hang
 * both tasks). */
#include "tvmtest.h"
#include <signal.h>

#define ROUNDS 1000

static volatile sig_atomic_t got;

static void on_sig(int s)
{
    (void)s;
    got++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_sig };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, &wait_mask));

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < ROUNDS; i++) {
            CHECK_OK(kill(parent, SIGUSR1));
            int before = got;
            CHECK_ERR(sigsuspend(&wait_mask), EINTR);
            if (got != before + 1)
                FAIL("child round %d: %d signals", i, got - before);
        }
        _exit(got == ROUNDS ? 0 : 1);
    }
    for (int i = 0; i < ROUNDS; i++) {
        int before = got;
        CHECK_ERR(sigsuspend(&wait_mask), EINTR);
        if (got != before + 1)
            FAIL("parent round %d: %d signals", i, got - before);
        CHECK_OK(kill(pid, SIGUSR2));
    }
    CHECK_EQ(got, ROUNDS);
    CHECK_EQ(wait_exit(pid), 0);
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2));
    return 0;
}
