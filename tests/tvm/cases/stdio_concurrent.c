/* Eight tasks print at once, each to its own stdout: every pipe gets
 * exactly its own task's lines, in order. */
#include "tvmtest.h"

#define TASKS 8
#define LINES 2000

int main(void)
{
    int fds[TASKS];
    pid_t pids[TASKS];
    for (int t = 0; t < TASKS; t++) {
        int p[2];
        CHECK_OK(pipe(p));
        pids[t] = fork();
        CHECK(pids[t] >= 0);
        if (pids[t] == 0) {
            CHECK_OK(dup2(p[1], 1));
            close(p[0]);
            close(p[1]);
            for (int i = 0; i < LINES; i++)
                printf("task %d line %d\n", t, i);
            exit(0);
        }
        close(p[1]);
        fds[t] = p[0];
    }
    static char out[TASKS][LINES * 24];
    for (int t = 0; t < TASKS; t++) {
        read_all(fds[t], out[t], sizeof out[t]);
        close(fds[t]);
    }
    for (int t = 0; t < TASKS; t++) {
        CHECK_EQ(wait_exit(pids[t]), 0);
        char *p = out[t];
        for (int i = 0; i < LINES; i++) {
            char want[32];
            int n = snprintf(want, sizeof want, "task %d line %d\n", t, i);
            if (strncmp(p, want, (size_t)n) != 0)
                FAIL("task %d: line %d is \"%.30s\"", t, i, p);
            p += n;
        }
        CHECK_EQ(*p, '\0');
    }
    return 0;
}
