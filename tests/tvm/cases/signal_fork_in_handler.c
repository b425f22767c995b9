/* fork() inside a signal handler: the child returns from its copy of the
 * handler into the code the signal interrupted, with its own mask restored
 * and none of the parent's pending signals; the parent, still inside its
 * handler meanwhile, keeps its own mask and pending signals. Both for a
 * signal delivered on return from a call (raise) and one that interrupts
 * pure computation (sent by another task). */
#include "tvmtest.h"
#include <signal.h>

#define ROUNDS 50

static volatile sig_atomic_t in_child, usr2_count, spin_done;
static volatile int child_status, usr1_blocked, usr2_blocked, usr2_in_handler;

static void on_usr2(int s)
{
    (void)s;
    usr2_count++;
}

static void on_usr1(int s)
{
    (void)s;
    raise(SIGUSR2); /* blocked by the handler's mask: pending in the parent */
    pid_t pid = fork();
    if (pid == 0) {
        in_child = 1;
        spin_done = 1;
        return;
    }
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    child_status = st;
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    usr1_blocked = sigismember(&m, SIGUSR1);
    usr2_blocked = sigismember(&m, SIGUSR2);
    usr2_in_handler = usr2_count;
    spin_done = 1;
}

/* In the child, back in the interrupted code: its mask is the one from
 * before the handler, and it never saw the parent's pending SIGUSR2. */
static void child_checks(void)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    if (sigismember(&m, SIGUSR1) || sigismember(&m, SIGUSR2))
        _exit(10);
    if (usr2_count != 0)
        _exit(11);
    sigpending(&m);
    if (sigismember(&m, SIGUSR2))
        _exit(12);
    _exit(0);
}

static void parent_checks(int round, const char *how)
{
    if (!WIFEXITED(child_status) || WEXITSTATUS(child_status) != 0)
        FAIL("%s round %d: child status 0x%x", how, round, child_status);
    if (!usr1_blocked || !usr2_blocked)
        FAIL("%s round %d: inside the handler after the child returned, SIGUSR1 blocked %d, SIGUSR2 blocked %d",
             how, round, usr1_blocked, usr2_blocked);
    if (usr2_in_handler != 0)
        FAIL("%s round %d: SIGUSR2 ran inside the SIGUSR1 handler", how, round);
    if (usr2_count != 1)
        FAIL("%s round %d: the parent's pending SIGUSR2 ran %d times after its handler", how, round,
             (int)usr2_count);
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    CHECK(!sigismember(&m, SIGUSR1));
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    struct sigaction sa2 = { .sa_handler = on_usr2 };
    CHECK_OK(sigaction(SIGUSR2, &sa2, NULL));

    for (int round = 0; round < ROUNDS; round++) {
        usr2_count = 0;
        raise(SIGUSR1);
        if (in_child)
            child_checks();
        parent_checks(round, "raise");
    }

    for (int round = 0; round < ROUNDS; round++) {
        usr2_count = 0;
        spin_done = 0;
        pid_t me = getpid();
        pid_t sender = fork();
        CHECK(sender >= 0);
        if (sender == 0) {
            usleep(2000);
            kill(me, SIGUSR1);
            _exit(0);
        }
        /* Pure computation: the signal interrupts it from outside. */
        volatile unsigned long x = 0;
        while (!spin_done)
            x++;
        if (in_child)
            child_checks();
        CHECK_EQ(wait_exit(sender), 0);
        parent_checks(round, "interrupt");
    }
    return 0;
}
