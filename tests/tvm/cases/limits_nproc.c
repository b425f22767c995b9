/* RLIMIT_NPROC bounds the tasks a task may make: fork and posix_spawn
 * fail with EAGAIN once that many tasks exist (zombies count, as on
 * Linux), the caller goes on, and a reaped child makes room again. */
#include "tvmtest.h"
#include <spawn.h>
#include <sys/resource.h>

#define MAX_TRIES 64

int main(void)
{
    int hold[2];
    CHECK_OK(pipe(hold));
    struct rlimit lim = { 8, 8 };
    CHECK_OK(setrlimit(RLIMIT_NPROC, &lim));

    /* Children that wait on the pipe until the test lets them go. */
    pid_t kids[MAX_TRIES];
    int made = (int)fork_held_until_eagain(hold, kids, MAX_TRIES);
    if (made == 0 || made >= 8)
        FAIL("made %d children under RLIMIT_NPROC 8", made);

    /* posix_spawn meets the same limit. */
    pid_t p;
    char *argv[] = { "limits_nproc", NULL };
    CHECK_EQ(posix_spawn(&p, TVMTEST_DIR "limits_nproc", NULL, NULL, argv, NULL), EAGAIN);

    /* A zombie still counts; a reaped child makes room. */
    CHECK_OK(kill(kids[0], SIGKILL));
    usleep(50000);
    CHECK_EQ(fork() < 0 ? errno : 0, EAGAIN);
    int st;
    CHECK_EQ(waitpid(kids[0], &st, 0), kids[0]);
    check_fork_works();
    release_held(hold, kids, 1, (size_t)made);
    close(hold[0]);
    return 0;
}
