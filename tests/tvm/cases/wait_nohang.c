/* WNOHANG reports 0 while the child runs, then its pid once it exited;
 * with no children at all it is ECHILD. */
#include "tvmtest.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    pid_t pid = spawn_helper(&fa, "wait_eof", "4", NULL);
    close(p[0]);
    int st = -1;
    for (int i = 0; i < 50; i++)
        CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ(st, -1);
    CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
    close(p[1]);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 4);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(pid, &st, WNOHANG), ECHILD);
    return 0;
}
