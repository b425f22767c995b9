/* kill to a process group reaches every member and nobody else; killpg
 * too; kill(0) reaches the caller's own group. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t self_hits;

static void hit(int s)
{
    (void)s;
    self_hits++;
}

int main(void)
{
    int rel[4];
    pid_t members[3];
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&at, 0);
    members[0] = spawn_blocked(&rel[0], &at, "0");
    posix_spawnattr_setpgroup(&at, members[0]);
    members[1] = spawn_blocked(&rel[1], &at, "0");
    members[2] = spawn_blocked(&rel[2], &at, "0");
    pid_t outsider = spawn_blocked(&rel[3], NULL, "9");
    pid_t group = members[0];

    CHECK_OK(kill(-group, SIGTERM));
    for (int i = 0; i < 3; i++) {
        int st = wait_status(members[i]);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), SIGTERM);
    }
    CHECK_EQ(waitpid(outsider, NULL, WNOHANG), 0);
    CHECK_ERR(kill(-group, SIGTERM), ESRCH);
    CHECK_ERR(killpg(group, 0), ESRCH);

    /* kill(0): the caller's group (the outsider is in it too). */
    signal(SIGUSR1, hit);
    CHECK_OK(killpg(getpgrp(), 0));
    CHECK_OK(kill(0, SIGUSR1));
    CHECK_EQ(self_hits, 1);
    int st = wait_status(outsider);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
    for (int i = 0; i < 4; i++)
        close(rel[i]);
    return 0;
}
