/* Dispositions across fork and exec: fork keeps handlers, ignored signals
 * and the mask and clears pending signals; exec resets caught signals to
 * the default, keeps ignored ones and the mask, and keeps pending ones. */
#include "tvmtest.h"
#include <signal.h>

static void handler(int s) { (void)s; }

int main(void)
{
    signal(SIGINT, handler);
    signal(SIGTERM, SIG_IGN);
    sigset_t m, pending;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
    CHECK_OK(raise(SIGUSR1));

    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        sigaction(SIGINT, NULL, &sa);
        if (sa.sa_handler != handler)
            _exit(1);
        sigaction(SIGTERM, NULL, &sa);
        if (sa.sa_handler != SIG_IGN)
            _exit(2);
        sigprocmask(SIG_BLOCK, NULL, &m);
        if (!sigismember(&m, SIGUSR1))
            _exit(3);
        sigpending(&pending);
        if (sigismember(&pending, SIGUSR1))
            _exit(4);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1));

    char out[256];
    CHECK_EQ(capture_helper(out, sizeof out, "print_sigstate", NULL), 0);
    CHECK_STR(out, "usr1=1 usr2=0 int=dfl term=ign quit=dfl\n");

    /* A pending signal survives exec: the new image, with the default
     * action, dies of it once it unblocks. */
    pid = fork();
    if (pid == 0) {
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, SIGUSR2);
        sigprocmask(SIG_BLOCK, &one, NULL);
        raise(SIGUSR2);
        execl(TVMTEST_DIR "print_sigstate", "print_sigstate", "unblock", (char *)NULL);
        _exit(5);
    }
    int st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2);
    return 0;
}
