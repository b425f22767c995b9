/* waitpid(-1) returns children in the order they terminate. */
#include "tvmtest.h"

int main(void)
{
    int release[3];
    pid_t pids[3];
    const char *codes[] = { "11", "12", "13" };
    for (int i = 0; i < 3; i++)
        pids[i] = spawn_blocked(&release[i], NULL, codes[i]);
    int order[] = { 2, 0, 1 };
    for (int k = 0; k < 3; k++) {
        int i = order[k];
        close(release[i]);
        int st;
        CHECK_EQ(waitpid(-1, &st, 0), pids[i]);
        CHECK_EQ(WEXITSTATUS(st), 11 + i);
    }
    CHECK_ERR(wait(NULL), ECHILD);
    return 0;
}
