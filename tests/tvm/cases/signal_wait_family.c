/* Synchronous signal acceptance: sigpending shows blocked signals, sigwait
 * and sigwaitinfo take them (with siginfo), sigtimedwait times out with
 * EAGAIN; standard signals do not queue, real-time signals do, in order;
 * a blocked signal is delivered as soon as it is unblocked. */
#include "tvmtest.h"
#include <signal.h>
#include <time.h>

static volatile sig_atomic_t hits;

static void on_sig(int s)
{
    (void)s;
    hits++;
}

int main(void)
{
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));

    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1));
    CHECK(!sigismember(&pending, SIGUSR2));
    int sig = 0;
    CHECK_EQ(sigwait(&set, &sig), 0);
    CHECK_EQ(sig, SIGUSR1);
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1)); /* the two did not queue */

    /* Real-time signals queue, with their values, lowest first. */
    union sigval v = { .sival_int = 11 };
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, v));
    v.sival_int = 22;
    CHECK_OK(sigqueue(getpid(), SIGRTMIN, v));
    siginfo_t si;
    CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN);
    CHECK_EQ(si.si_code, SI_QUEUE);
    CHECK_EQ(si.si_value.sival_int, 11);
    CHECK_EQ(si.si_pid, getpid());
    CHECK_EQ(sigwaitinfo(&set, &si), SIGRTMIN);
    CHECK_EQ(si.si_value.sival_int, 22);

    struct timespec t = { 0, 20000000 };
    CHECK_ERR(sigtimedwait(&set, &si, &t), EAGAIN);
    struct timespec bad = { 0, 1000000000 };
    CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);

    /* From another task, while waiting. */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(10000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK_EQ(sigwaitinfo(&set, &si), SIGUSR1);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_code, SI_USER);
    CHECK_EQ(wait_exit(pid), 0);

    /* Unblocking delivers before sigprocmask returns. */
    struct sigaction sa = { .sa_handler = on_sig };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(hits, 0);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
    CHECK_EQ(hits, 1);
    return 0;
}
