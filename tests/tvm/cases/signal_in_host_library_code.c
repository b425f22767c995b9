/* A signal sent while the task runs host library code (here glibc's
 * strlen, called in a loop) is delivered: the host handler cannot run the
 * guest's handler inside host code, so it retries on a timer until the
 * thread is back in guest code. The first task thread of a process has the
 * process's first timer, which Linux numbers 0; that one must retry too. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t got;

static void on_usr1(int s)
{
    (void)s;
    got = 1;
}

int main(void)
{
    static char big[16384];
    memset(big, 'x', sizeof big - 1);
    /* Read through a volatile pointer: the compiler may not hoist the
     * call out of the loop. */
    char *volatile text = big;
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    for (int round = 0; round < 5; round++) {
        got = 0;
        pid_t me = getpid();
        pid_t sender = fork();
        CHECK(sender >= 0);
        if (sender == 0) {
            usleep(2000);
            kill(me, SIGUSR1);
            _exit(0);
        }
        /* Nearly all the time in strlen; no runtime call that would
         * deliver on its way out. Seconds of spinning at most. */
        unsigned long spins = 0, total = 0;
        while (!got && spins < 100000000UL) {
            total += strlen(text);
            spins++;
        }
        if (!got)
            FAIL("round %d: SIGUSR1 not delivered after %lu calls into host code (%lu bytes)", round, spins, total);
        CHECK_EQ(wait_exit(sender), 0);
    }
    return 0;
}
