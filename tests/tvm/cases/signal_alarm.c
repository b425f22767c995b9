/* alarm and ITIMER_REAL: SIGALRM after the time, the time left reported,
 * periodic timers, cancelling; a default SIGALRM terminates; the alarm is
 * not inherited by fork but survives exec. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t alarms;

static void on_alrm(int s)
{
    (void)s;
    alarms++;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_alrm };
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));

    CHECK_EQ(alarm(5), 0);
    CHECK_EQ(alarm(0), 5);
    CHECK_EQ(alarm(0), 0);

    CHECK_EQ(alarm(1), 0);
    CHECK_ERR(pause(), EINTR);
    CHECK_EQ(alarms, 1);
    CHECK_EQ(alarm(0), 0); /* fired: nothing left */

    /* A periodic timer: five more signals, then cancelled. */
    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&none);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    struct itimerval it = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } }, cur;
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK_EQ(cur.it_interval.tv_usec, 20000);
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000);
    while (alarms < 6)
        CHECK_ERR(sigsuspend(&none), EINTR);
    struct itimerval zero = { 0 }, old;
    CHECK_OK(setitimer(ITIMER_REAL, &zero, &old));
    CHECK_EQ(old.it_interval.tv_usec, 20000);
    CHECK_OK(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    int before = alarms;
    usleep(60000);
    CHECK_EQ(alarms, before);
    CHECK_ERR(setitimer(ITIMER_REAL + 99, &it, NULL), EINVAL);
    struct itimerval bad = { .it_value = { 0, 1000000 } };
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);

    /* Not inherited by fork; the default action terminates. */
    CHECK_EQ(alarm(30), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (alarm(0) != 0)
            _exit(1);
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        pause();
        _exit(2);
    }
    int st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
    CHECK(alarm(0) >= 29);

    /* Kept across exec: the new image (default SIGALRM) is terminated. */
    pid = fork();
    if (pid == 0) {
        alarm(1);
        execl(TVMTEST_DIR "block_in", "block_in", "pause", (char *)NULL);
        _exit(3);
    }
    st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
    return 0;
}
