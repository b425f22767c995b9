/* vfork: the child _exits or execs; the parent continues afterwards. */
#include "tvmtest.h"

int main(void)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(6);
    CHECK_EQ(wait_exit(pid), 6);
    pid = vfork();
    if (pid == 0) {
        execl(TVMTEST_DIR "exit_with", "exit_with", "8", (char *)NULL);
        _exit(127);
    }
    CHECK_EQ(wait_exit(pid), 8);
    return 0;
}
