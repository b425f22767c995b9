/* SIGCHLD set to SIG_IGN, or a handler with SA_NOCLDWAIT: children are
 * reaped as they exit (no zombie; wait blocks until the last one is gone,
 * then fails with ECHILD). A SA_NOCLDWAIT handler still hears SIGCHLD.
 * Back to SIG_DFL, exited children wait as zombies again. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t chld;

static void on_chld(int s)
{
    (void)s;
    chld++;
}

static pid_t child_exiting_after(int ms, int code)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep((useconds_t)ms * 1000);
        _exit(code);
    }
    return pid;
}

static void check_autoreap(void)
{
    pid_t quick = child_exiting_after(0, 1);
    pid_t slow = child_exiting_after(50, 2);
    /* Blocks until both are gone, then ECHILD. */
    int st;
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
    CHECK_ERR(kill(quick, 0), ESRCH);
    CHECK_ERR(kill(slow, 0), ESRCH);
}

int main(void)
{
    signal(SIGCHLD, SIG_IGN);
    check_autoreap();

    struct sigaction sa = { .sa_handler = on_chld, .sa_flags = SA_NOCLDWAIT | SA_RESTART };
    CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
    check_autoreap();
    CHECK(chld >= 1);

    signal(SIGCHLD, SIG_DFL);
    pid_t z = child_exiting_after(0, 5);
    siginfo_t si;
    CHECK_OK(waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT));
    CHECK_OK(kill(z, 0)); /* a zombie */
    CHECK_EQ(wait_exit(z), 5);
    return 0;
}
