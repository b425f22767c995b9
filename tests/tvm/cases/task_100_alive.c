/* 100 tasks alive at once, each blocked on its own pipe, then released one
 * by one and reaped with the right status. */
#include "tvmtest.h"

#define N 100

int main(void)
{
    int wr[N];
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        char code[16];
        snprintf(code, sizeof code, "%d", i);
        pids[i] = spawn_blocked(&wr[i], NULL, code);
    }
    for (int i = 0; i < N; i++) {
        CHECK_EQ(waitpid(pids[i], NULL, WNOHANG), 0);
        for (int j = 0; j < i; j++)
            CHECK(pids[j] != pids[i]);
    }
    for (int i = N - 1; i >= 0; i--) {
        close(wr[i]);
        CHECK_EQ(wait_exit(pids[i]), i);
    }
    CHECK_ERR(wait(NULL), ECHILD);
    return 0;
}
