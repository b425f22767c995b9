/* Per-task signal state: the blocked mask (SIGKILL/SIGSTOP never blocked)
 * and dispositions, read back through sigprocmask/sigaction/signal. */
#include "tvmtest.h"
#include <signal.h>

static void h1(int s) { (void)s; }
static void h2(int s) { (void)s; }

int main(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGKILL);
    sigaddset(&s, SIGSTOP);
    CHECK_OK(sigprocmask(SIG_BLOCK, &s, &old));
    CHECK(!sigismember(&old, SIGUSR1));
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &old));
    CHECK(sigismember(&old, SIGUSR1));
    CHECK(!sigismember(&old, SIGKILL));
    CHECK(!sigismember(&old, SIGSTOP));
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_SETMASK, &s, &old));
    CHECK(sigismember(&old, SIGUSR1));
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &s, NULL));
    CHECK_EQ(pthread_sigmask(SIG_BLOCK, NULL, &old), 0);
    CHECK(!sigismember(&old, SIGUSR2));
    CHECK_EQ(pthread_sigmask(77, &s, NULL), EINVAL);

    struct sigaction a, b;
    memset(&a, 0, sizeof a);
    a.sa_handler = h1;
    a.sa_flags = SA_RESTART;
    sigaddset(&a.sa_mask, SIGINT);
    CHECK_OK(sigaction(SIGHUP, &a, &b));
    CHECK(b.sa_handler == SIG_DFL);
    CHECK_OK(sigaction(SIGHUP, NULL, &b));
    CHECK(b.sa_handler == h1);
    CHECK(b.sa_flags & SA_RESTART);
    CHECK(sigismember(&b.sa_mask, SIGINT));
    CHECK(signal(SIGHUP, h2) == h1);
    CHECK(signal(SIGHUP, SIG_IGN) == h2);
    CHECK(signal(SIGHUP, SIG_DFL) == SIG_IGN);
    CHECK(signal(SIGKILL, h1) == SIG_ERR);
    CHECK_EQ(errno, EINVAL);
    return 0;
}
