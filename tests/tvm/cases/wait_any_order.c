/* waitpid(-1) returns children in the order they terminate. */
#include "tvmtest.h"

int main(void)
{
    int pipes[3][2];
    pid_t pids[3];
    const char *codes[] = { "11", "12", "13" };
    for (int i = 0; i < 3; i++) {
        CHECK_OK(pipe(pipes[i]));
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pipes[i][0], 0);
        for (int j = 0; j <= i; j++) {
            posix_spawn_file_actions_addclose(&fa, pipes[j][1]);
        }
        pids[i] = spawn_helper(&fa, "wait_eof", codes[i], NULL);
        posix_spawn_file_actions_destroy(&fa);
        close(pipes[i][0]);
    }
    int order[] = { 2, 0, 1 };
    for (int k = 0; k < 3; k++) {
        int i = order[k];
        close(pipes[i][1]);
        int st;
        CHECK_EQ(waitpid(-1, &st, 0), pids[i]);
        CHECK_EQ(WEXITSTATUS(st), 11 + i);
    }
    CHECK_ERR(wait(NULL), ECHILD);
    return 0;
}
