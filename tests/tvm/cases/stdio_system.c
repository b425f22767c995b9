/* system(): exit statuses and signals of the command, 127 when it cannot
 * run, system(NULL); while the command runs the caller ignores SIGINT and
 * SIGQUIT and blocks SIGCHLD, and gets its dispositions back after. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t chld;

static void on_chld(int s)
{
    (void)s;
    chld++;
}

int main(void)
{
    CHECK(system(NULL) != 0);
    int st = system("exit 7");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
    st = system("exit 0");
    CHECK_EQ(st, 0);
    st = system("kill -9 $$");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    st = system("/no/such/program");
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);

    /* The command sends SIGINT and SIGQUIT to its caller: ignored. */
    char cmd[64];
    snprintf(cmd, sizeof cmd, "kill -2 %d", (int)getpid());
    CHECK_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "kill -3 %d", (int)getpid());
    CHECK_EQ(system(cmd), 0);

    /* SIGCHLD is held back until system returns, then delivered. */
    signal(SIGCHLD, on_chld);
    CHECK_EQ(system("exit 0"), 0);
    CHECK_EQ(chld, 1);
    struct sigaction sa;
    CHECK_OK(sigaction(SIGINT, NULL, &sa));
    CHECK(sa.sa_handler == SIG_DFL);
    sigset_t m;
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &m));
    CHECK(!sigismember(&m, SIGCHLD));
    return 0;
}
