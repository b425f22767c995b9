/* The environment travels with spawn (the envp given) and exec (execle's
 * envp, execv's current environment). */
#include "tvmtest.h"

int main(void)
{
    char out[1024];
    char *envp[] = { "A=1", "B=2", NULL };
    char *argv[] = { "print_env", NULL };
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid;
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "print_env", &fa, NULL, argv, envp), 0);
    close(p[1]);
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "A=1\nB=2\n");

    CHECK_OK(setenv("TVM_SPAWNED", "yes", 1));
    CHECK_EQ(capture_helper(out, sizeof out, "print_getenv", "TVM_SPAWNED", NULL), 0);
    CHECK_STR(out, "yes\n");
    /* exec_to uses execv: the current environment goes along. */
    CHECK_EQ(capture_helper(out, sizeof out, "exec_to", TVMTEST_DIR "print_getenv", "print_getenv", "TVM_SPAWNED", NULL), 0);
    CHECK_STR(out, "yes\n");
    return 0;
}
