/* The environment travels with spawn (the envp given) and exec (execle's
 * envp, execv's current environment). */
#include "tvmtest.h"

int main(void)
{
    char out[1024];
    char *envp[] = { "A=1", "B=2", NULL };
    char *argv[] = { "print_env", NULL };
    CHECK_EQ(capture_spawn(out, sizeof out, NULL, TVMTEST_DIR "print_env", argv, envp, NULL), 0);
    CHECK_STR(out, "A=1\nB=2\n");

    CHECK_OK(setenv("TVM_SPAWNED", "yes", 1));
    CHECK_EQ(capture_helper(out, sizeof out, "print_getenv", "TVM_SPAWNED", NULL), 0);
    CHECK_STR(out, "yes\n");
    /* exec_to uses execv: the current environment goes along. */
    CHECK_EQ(capture_helper(out, sizeof out, "exec_to", TVMTEST_DIR "print_getenv", "print_getenv", "TVM_SPAWNED", NULL), 0);
    CHECK_STR(out, "yes\n");
    return 0;
}
