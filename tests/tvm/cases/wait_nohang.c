/* WNOHANG reports 0 while the child runs, then its pid once it exited;
 * with no children at all it is ECHILD. */
#include "tvmtest.h"

int main(void)
{
    int release;
    pid_t pid = spawn_blocked(&release, NULL, "4");
    int st = -1;
    for (int i = 0; i < 50; i++)
        CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
    CHECK_EQ(st, -1);
    CHECK_EQ(waitpid(-1, &st, WNOHANG), 0);
    close(release);
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(WEXITSTATUS(st), 4);
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR(waitpid(pid, &st, WNOHANG), ECHILD);
    return 0;
}
