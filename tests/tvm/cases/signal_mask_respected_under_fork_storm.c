/* A SIGCHLD handler never runs while the signal is blocked, however the
 * children's exits interleave with the parent's mask changes, forks and
 * allocations (what a shell's job table relies on). */
#include "tvmtest.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static volatile sig_atomic_t in_critical, violations, reaped;

static void on_chld(int s)
{
    (void)s;
    if (in_critical)
        violations++;
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        reaped++;
    void *p = malloc(32);
    free(p);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    int forked = 0;
    for (int i = 0; i < 2000; i++) {
        CHECK_OK(sigprocmask(SIG_BLOCK, &chld, &old));
        in_critical = 1;
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(0);
        forked++;
        for (int k = 0; k < 20; k++) {
            char *p = malloc(64 + k);
            memset(p, k, 64 + k);
            free(p);
        }
        in_critical = 0;
        CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
        volatile unsigned spin = 0;
        for (int k = 0; k < 2000; k++)
            spin++;
    }
    CHECK_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
    int st;
    while (waitpid(-1, &st, 0) > 0)
        reaped++;
    CHECK_EQ(violations, 0);
    CHECK_EQ(reaped, forked);
    return 0;
}
