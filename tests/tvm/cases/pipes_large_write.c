/* 10 MB through a two-task pipeline arrives byte-exact. */
#include "tvmtest.h"

#define TOTAL (10L * 1024 * 1024)

int main(void)
{
    int a[2], b[2];
    CHECK_OK(pipe(a));
    CHECK_OK(pipe(b));
    posix_spawn_file_actions_t fw, fc;
    posix_spawn_file_actions_init(&fw);
    posix_spawn_file_actions_adddup2(&fw, a[1], 1);
    for (int fd = 3; fd < 7; fd++)
        posix_spawn_file_actions_addclose(&fw, fd);
    posix_spawn_file_actions_init(&fc);
    posix_spawn_file_actions_adddup2(&fc, a[0], 0);
    posix_spawn_file_actions_adddup2(&fc, b[1], 1);
    for (int fd = 3; fd < 7; fd++)
        posix_spawn_file_actions_addclose(&fc, fd);
    char total[32];
    snprintf(total, sizeof total, "%ld", TOTAL);
    pid_t w = spawn_helper(&fw, "write_pattern", total, NULL);
    pid_t c = spawn_helper(&fc, "cat_stdin", NULL);
    close(a[0]);
    close(a[1]);
    close(b[1]);

    char buf[65536];
    long pos = 0;
    ssize_t n;
    while ((n = read(b[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            char want = (char)(((pos + i) * 7 + 13) & 0xff);
            if (buf[i] != want)
                FAIL("byte %ld is %d, want %d", pos + i, buf[i], want);
        }
        pos += n;
    }
    CHECK_EQ(n, 0);
    CHECK_EQ(pos, TOTAL);
    CHECK_EQ(wait_exit(w), 0);
    CHECK_EQ(wait_exit(c), 0);
    return 0;
}
