/* SIGCONT sent while the target is between taking a stop signal and
 * stopping still continues it: the stop is cancelled, as on Linux (a
 * SIGCONT clears a stop that is pending in the target). Without that, the
 * SIGCONT is lost and the task stays stopped for good: here the final
 * SIGTERM would never take effect and the wait would hang. Hundreds of
 * STOP/CONT pairs, a few microseconds apart, to a task in a busy loop and
 * to one blocked in a call, with busy tasks competing for the CPUs so that
 * the target is often preempted, land in that window now and then. */
#include "tvmtest.h"
#include <time.h>

static void spin_us(long us)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do
        clock_gettime(CLOCK_MONOTONIC, &b);
    while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

static void pairs(int blocked)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (blocked)
            for (;;)
                pause();
        for (volatile unsigned long n = 0;; n++)
            ;
    }
    for (int i = 0; i < 400; i++) {
        CHECK_OK(kill(pid, SIGSTOP));
        spin_us(i % 40);
        CHECK_OK(kill(pid, SIGCONT));
        spin_us((i * 7) % 30);
    }
    /* A task left stopped would keep SIGTERM pending forever. */
    alarm(20);
    CHECK_OK(kill(pid, SIGTERM));
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    alarm(0);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);
}

int main(void)
{
    pid_t busy[3];
    for (int i = 0; i < 3; i++) {
        busy[i] = fork();
        CHECK(busy[i] >= 0);
        if (busy[i] == 0)
            for (volatile unsigned long n = 0;; n++)
                ;
    }
    for (int round = 0; round < 5; round++) {
        pairs(0);
        pairs(1);
    }
    for (int i = 0; i < 3; i++) {
        CHECK_OK(kill(busy[i], SIGKILL));
        CHECK_EQ(waitpid(busy[i], NULL, 0), busy[i]);
    }
    return 0;
}
