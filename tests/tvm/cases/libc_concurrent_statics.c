/* strtok, localtime/gmtime/ctime/asctime, strsignal and rand from eight
 * concurrent tasks: each task's hidden state is its own, so interleaved
 * calls never see another task's position or buffer. */
#include "tvmtest.h"
#include <sched.h>
#include <signal.h>
#include <time.h>

#define TASKS 8
#define ROUNDS 300

static int worker(int t)
{
    char text[128];
    char want[32];
    for (int round = 0; round < ROUNDS; round++) {
        /* strtok: tokens "tT_0".."tT_9" separated by varied delimiters. */
        snprintf(text, sizeof text, "t%d_0,t%d_1;t%d_2 t%d_3,,t%d_4;;t%d_5 t%d_6,t%d_7;t%d_8 t%d_9", t, t, t, t, t,
                 t, t, t, t, t);
        int i = 0;
        for (char *tok = strtok(text, ",; "); tok != NULL; tok = strtok(NULL, ",; ")) {
            snprintf(want, sizeof want, "t%d_%d", t, i++);
            if (strcmp(tok, want) != 0)
                return 1;
            sched_yield();
        }
        if (i != 10)
            return 2;

        /* localtime/gmtime share one buffer per task; ctime and asctime
         * another. */
        time_t when = (time_t)86400 * (t * 1000 + round);
        struct tm *g = gmtime(&when);
        sched_yield();
        if (g->tm_yday != (t * 1000 + round) % 365 && g->tm_year < 70)
            return 3;
        int day = g->tm_mday, mon = g->tm_mon, year = g->tm_year;
        sched_yield();
        if (g->tm_mday != day || g->tm_mon != mon || g->tm_year != year)
            return 4;
        if (localtime(&when) != g)
            return 5;
        char *a = asctime(gmtime(&when));
        sched_yield();
        char expect[64];
        strftime(expect, sizeof expect, "%a %b %e %H:%M:%S %Y\n", gmtime(&when));
        if (strcmp(a, expect) != 0)
            return 6;
        if (ctime(&when) != a)
            return 7;

        /* strsignal's buffer. */
        int sig = SIGRTMIN + t;
        char *s = strsignal(sig);
        snprintf(want, sizeof want, "Real-time signal %d", t);
        sched_yield();
        if (strcmp(s, want) != 0)
            return 8;
    }
    /* rand: seeded per task, glibc's sequence for seed 1 in every task. */
    srand(1);
    static const int seq[5] = { 1804289383, 846930886, 1681692777, 1714636915, 1957747793 };
    for (int i = 0; i < 5; i++) {
        sched_yield();
        if (rand() != seq[i])
            return 9;
    }
    return 0;
}

int main(void)
{
    pid_t pids[TASKS];
    for (int t = 0; t < TASKS; t++) {
        pids[t] = fork();
        CHECK(pids[t] >= 0);
        if (pids[t] == 0)
            _exit(worker(t));
    }
    for (int t = 0; t < TASKS; t++) {
        int code = wait_exit(pids[t]);
        if (code != 0)
            FAIL("task %d failed check %d", t, code);
    }
    return 0;
}
