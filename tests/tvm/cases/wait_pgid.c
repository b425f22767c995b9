/* waitpid(0) and waitpid(-pgid) select children by process group; a
 * zombie in another group is left alone. Also checks WNOWAIT. */
#include "tvmtest.h"

static pid_t start(int *release, pid_t pgroup, int use_group)
{
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    if (use_group) {
        CHECK_EQ(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
        CHECK_EQ(posix_spawnattr_setpgroup(&at, pgroup), 0);
    }
    pid_t pid = spawn_blocked(release, &at, "0");
    posix_spawnattr_destroy(&at);
    return pid;
}

int main(void)
{
    int wa, wb, wc;
    pid_t a = start(&wa, 0, 1);
    pid_t b = start(&wb, a, 1);
    pid_t c = start(&wc, 0, 0);
    CHECK_EQ(getpgid(a), a);
    CHECK_EQ(getpgid(b), a);
    CHECK_EQ(getpgid(c), getpgrp());

    /* c terminates; wait for that without reaping it. */
    close(wc);
    siginfo_t si;
    CHECK_OK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT));
    CHECK_EQ(si.si_pid, c);
    CHECK_EQ(waitpid(-a, NULL, WNOHANG), 0);
    CHECK_EQ(waitpid(0, NULL, 0), c);

    close(wa);
    close(wb);
    pid_t x = waitpid(-a, NULL, 0);
    pid_t y = waitpid(-a, NULL, 0);
    CHECK((x == a && y == b) || (x == b && y == a));
    CHECK_ERR(waitpid(-a, NULL, 0), ECHILD);
    CHECK_ERR(waitpid(-1, NULL, 0), ECHILD);
    return 0;
}
