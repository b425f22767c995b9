/* Bad options and id types are EINVAL, checked before anything else. */
#include "tvmtest.h"

int main(void)
{
    int st;
    siginfo_t si;
    pid_t pid = spawn_helper(NULL, "exit_with", "0", NULL);
    CHECK_ERR(waitpid(pid, &st, 0x10000000), EINVAL);
    CHECK_ERR(waitid(P_PID, (id_t)pid, &si, 0), EINVAL);
    CHECK_ERR(waitid(P_PID, (id_t)pid, &si, WNOHANG), EINVAL);
    CHECK_ERR(waitid((idtype_t)42, 0, &si, WEXITED), EINVAL);
    CHECK_ERR(waitid(P_PID, 0, &si, WEXITED), EINVAL);
    /* The child is still there to be reaped. */
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    return 0;
}
