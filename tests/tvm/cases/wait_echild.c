/* Waiting with no matching child is ECHILD, whatever the selector. */
#include "tvmtest.h"

int main(void)
{
    int st;
    CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
    CHECK_ERR(wait(&st), ECHILD);
    CHECK_ERR(waitpid(getpid(), &st, 0), ECHILD);
    CHECK_ERR(waitpid(123456, &st, 0), ECHILD);
    CHECK_ERR(waitpid(0, &st, 0), ECHILD);
    CHECK_ERR(waitpid(-getpgrp(), &st, 0), ECHILD);
    siginfo_t si;
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    /* A reaped child is gone for good. */
    pid_t pid = spawn_helper(NULL, "exit_with", "0", NULL);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
    return 0;
}
