/* kill's errors and edge cases: unknown pid ESRCH, bad signal EINVAL,
 * signal 0 as an existence check, a zombie still exists (as on Linux) and
 * ignores the signal; kill(-1) reaches every task but init and the caller. */
#include "tvmtest.h"
#include <signal.h>

int main(void)
{
    CHECK_ERR(kill(987654, SIGTERM), ESRCH);
    CHECK_ERR(kill(987654, 0), ESRCH);
    CHECK_ERR(kill(getpid(), 65), EINVAL);
    CHECK_ERR(kill(getpid(), -1), EINVAL);
    CHECK_OK(kill(getpid(), 0));
    CHECK_OK(kill(1, 0));

    pid_t z = spawn_helper(NULL, "exit_with", "3", NULL);
    siginfo_t si;
    CHECK_OK(waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT));
    CHECK_OK(kill(z, 0));
    CHECK_OK(kill(z, SIGKILL)); /* a zombie: accepted, no effect */
    CHECK_EQ(wait_exit(z), 3);
    CHECK_ERR(kill(z, 0), ESRCH);

    /* kill(-1): both children die, the caller and init do not. */
    signal(SIGUSR2, SIG_IGN);
    int r1, r2;
    pid_t a = spawn_blocked(&r1, NULL, "0");
    pid_t b = spawn_blocked(&r2, NULL, "0");
    CHECK_OK(kill(-1, SIGUSR1));
    CHECK_EQ(WTERMSIG(wait_status(a)), SIGUSR1);
    CHECK_EQ(WTERMSIG(wait_status(b)), SIGUSR1);
    CHECK_OK(kill(1, 0));
    close(r1);
    close(r2);
    return 0;
}
