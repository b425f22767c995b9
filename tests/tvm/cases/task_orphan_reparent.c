/* An orphan is adopted by init (pid 1), and init reaps it. */
#include "tvmtest.h"

static int ps_has(pid_t pid)
{
    char out[16384], needle[32];
    capture_helper(out, sizeof out, "../bin/tvm", "ps", NULL);
    snprintf(needle, sizeof needle, "\n%5d ", (int)pid);
    return strstr(out, needle) != NULL;
}

int main(void)
{
    int in[2], out[2], info[2];
    CHECK_OK(pipe(in));
    CHECK_OK(pipe(out));
    CHECK_OK(pipe(info));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, info[1], 3);
    pid_t middle = spawn_helper(&fa, "spawn_orphan", NULL);
    close(in[0]);
    close(out[1]);
    close(info[1]);

    char buf[64];
    ssize_t n = read(info[0], buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = '\0';
    pid_t orphan = atoi(buf);
    CHECK(orphan > 1 && orphan != middle);
    CHECK_EQ(wait_exit(middle), 0);
    CHECK_ERR(waitpid(orphan, NULL, WNOHANG), ECHILD);

    /* The orphan printed its first parent before it lost it. */
    char report[64];
    size_t len = 0;
    while (len == 0 || report[len - 1] != ' ') {
        n = read(out[0], report + len, 1);
        CHECK(n == 1);
        len++;
    }
    report[len] = '\0';
    CHECK_EQ(atoi(report), middle);

    close(in[1]);
    read_all(out[0], report, sizeof report);
    CHECK_STR(report, "1\n");

    /* init reaps it: it leaves the task table. */
    int gone = 0;
    for (int i = 0; i < 200 && !gone; i++) {
        gone = !ps_has(orphan);
        if (!gone)
            usleep(10000);
    }
    CHECK(gone);
    return 0;
}
