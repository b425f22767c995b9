/* 100 tasks alive at once, each blocked on its own pipe, then released one
 * by one and reaped with the right status. */
#include "tvmtest.h"

#define N 100

int main(void)
{
    int wr[N];
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        int p[2];
        CHECK_OK(pipe(p));
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[0], 0);
        /* Children must not hold the other write ends. */
        for (int fd = 3; fd < 3 + 2 * N + 8; fd++)
            if (fd != p[0])
                posix_spawn_file_actions_addclose(&fa, fd);
        char code[16];
        snprintf(code, sizeof code, "%d", i);
        pids[i] = spawn_helper(&fa, "wait_eof", code, NULL);
        posix_spawn_file_actions_destroy(&fa);
        close(p[0]);
        wr[i] = p[1];
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
