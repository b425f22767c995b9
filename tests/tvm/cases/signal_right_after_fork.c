/* A signal sent the moment fork returns reaches a child that only
 * computes: the child may not have started running yet when the signal
 * arrives, and must take it as soon as it does. Also for a child that is
 * sent a caught signal and a stop. */
#include "tvmtest.h"
#include <signal.h>
#include <time.h>

#define ROUNDS 200

static volatile sig_atomic_t got;

/* A child that only computes, forever. */
static void spin(void)
{
    volatile unsigned long x = 0;
    for (;;)
        x++;
}

static void on_usr1(int s)
{
    (void)s;
    got = 1;
}

/* Waits up to two seconds for `pid` to change state; kills it if it does
 * not (so a lost signal fails the test instead of hanging it). */
static int bounded_wait(pid_t pid, int options, int round)
{
    struct timespec pause = { 0, 1000000 };
    for (int i = 0; i < 2000; i++) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG | options);
        CHECK(r >= 0);
        if (r == pid)
            return st;
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    FAIL("round %d: the child never took the signal sent right after fork", round);
    return -1;
}

int main(void)
{
    for (int round = 0; round < ROUNDS; round++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            spin();
        CHECK_OK(kill(pid, SIGTERM));
        int st = bounded_wait(pid, 0, round);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), SIGTERM);
    }

    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    for (int round = 0; round < ROUNDS / 4; round++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            while (!got)
                ;
            _exit(7);
        }
        CHECK_OK(kill(pid, SIGUSR1));
        int st = bounded_wait(pid, 0, round);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 7);
    }

    for (int round = 0; round < ROUNDS / 4; round++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            spin();
        CHECK_OK(kill(pid, SIGSTOP));
        int st = bounded_wait(pid, WUNTRACED, round);
        CHECK(WIFSTOPPED(st));
        CHECK_OK(kill(pid, SIGKILL));
        st = bounded_wait(pid, 0, round);
        CHECK(WIFSIGNALED(st));
    }
    return 0;
}
