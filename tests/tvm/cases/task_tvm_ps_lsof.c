/* `tvm ps` lists tasks with their state and command line (the helper
 * waits for EOF on a pipe: asleep, S; init only waits: S); `tvm lsof`
 * lists their descriptors; bad usage exits 2. */
#include "tvmtest.h"

int main(void)
{
    int release;
    pid_t pid = spawn_blocked(&release, NULL, "0");

    char out[16384], line[128];
    snprintf(line, sizeof line, "%5d %5d %5d %5d S    wait_eof 0\n", (int)pid, (int)getpid(), (int)getpgrp(), (int)getsid(0));
    /* R until the helper has reached its read (at most a few seconds). */
    for (int i = 0; i < 250; i++) {
        CHECK_EQ(capture_helper(out, sizeof out, "../bin/tvm", "ps", NULL), 0);
        if (strstr(out, line) != NULL)
            break;
        usleep(20000);
    }
    CHECK(strncmp(out, "  PID  PPID  PGID   SID STAT COMMAND\n", 37) == 0);
    CHECK(strstr(out, line) != NULL);
    CHECK(strstr(out, "    1     0     1     1 S    init\n") != NULL);

    CHECK_EQ(capture_helper(out, sizeof out, "../bin/tvm", "lsof", NULL), 0);
    snprintf(line, sizeof line, "%5d    0 FIFO r ", (int)pid);
    CHECK(strstr(out, line) != NULL);

    CHECK_EQ(WEXITSTATUS(capture_helper(out, sizeof out, "../bin/tvm", NULL)), 2);
    CHECK_EQ(WEXITSTATUS(capture_helper(out, sizeof out, "../bin/tvm", "bogus", NULL)), 2);
    close(release);
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
