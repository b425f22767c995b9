/* posix_spawn attributes: the signal mask, default dispositions, flags; and
 * what a spawned program inherits (ignored signals stay ignored, caught ones
 * go back to default). */
#include "tvmtest.h"
#include <signal.h>

static void handler(int sig) { (void)sig; }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    CHECK_OK(sigaction(SIGINT, &sa, NULL));
    CHECK_OK(sigaction(SIGQUIT, &sa, NULL));
    sa.sa_handler = handler;
    CHECK_OK(sigaction(SIGTERM, &sa, NULL));
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));

    char out[256];
    CHECK_EQ(capture_helper(out, sizeof out, "print_sigstate", NULL), 0);
    CHECK_STR(out, "usr1=0 usr2=1 int=ign term=dfl quit=ign\n");

    posix_spawnattr_t at;
    CHECK_EQ(posix_spawnattr_init(&at), 0);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK_EQ(posix_spawnattr_setsigmask(&at, &m), 0);
    sigset_t d;
    sigemptyset(&d);
    sigaddset(&d, SIGINT);
    CHECK_EQ(posix_spawnattr_setsigdefault(&at, &d), 0);
    CHECK_EQ(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF), 0);
    short flags;
    CHECK_EQ(posix_spawnattr_getflags(&at, &flags), 0);
    CHECK_EQ(flags, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    sigset_t got;
    CHECK_EQ(posix_spawnattr_getsigmask(&at, &got), 0);
    CHECK(sigismember(&got, SIGUSR1) && !sigismember(&got, SIGUSR2));

    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    char *argv[] = { "print_sigstate", NULL };
    pid_t pid;
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "print_sigstate", &fa, &at, argv, environ), 0);
    close(p[1]);
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "usr1=1 usr2=0 int=dfl term=dfl quit=ign\n");

    CHECK_EQ(posix_spawnattr_setflags(&at, 0x4000), EINVAL);
    pid_t g;
    CHECK_EQ(posix_spawnattr_setpgroup(&at, 77), 0);
    CHECK_EQ(posix_spawnattr_getpgroup(&at, &g), 0);
    CHECK_EQ(g, 77);
    /* Joining a process group that does not exist is EPERM. */
    CHECK_EQ(posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP), 0);
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "exit_with", NULL, &at, argv, environ), EPERM);
    CHECK_EQ(posix_spawnattr_destroy(&at), 0);
    CHECK_EQ(posix_spawnattr_setflags(&at, 0), EINVAL);
    return 0;
}
