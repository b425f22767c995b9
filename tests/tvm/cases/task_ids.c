/* A child sees its own pid, its parent's pid, and inherits the parent's
 * process group and session. Pids are distinct. */
#include "tvmtest.h"

int main(void)
{
    CHECK(getpid() > 1);
    CHECK_EQ(getppid(), 1);
    CHECK_EQ(getpgrp(), getpid());
    CHECK_EQ(getsid(0), getpid());
    CHECK_EQ(getpgid(0), getpgrp());
    CHECK_ERR(getpgid(987654), ESRCH);
    CHECK_ERR(getsid(987654), ESRCH);
    pid_t seen[5];
    for (int i = 0; i < 5; i++) {
        char out[128];
        int p[2];
        CHECK_OK(pipe(p));
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, p[1], 1);
        posix_spawn_file_actions_addclose(&fa, p[0]);
        pid_t pid = spawn_helper(&fa, "print_ids", NULL);
        posix_spawn_file_actions_destroy(&fa);
        close(p[1]);
        read_all(p[0], out, sizeof out);
        close(p[0]);
        CHECK_EQ(wait_exit(pid), 0);
        int cpid, cppid, cpgid, csid;
        CHECK_EQ(sscanf(out, "%d %d %d %d", &cpid, &cppid, &cpgid, &csid), 4);
        CHECK_EQ(cpid, pid);
        CHECK_EQ(cppid, getpid());
        CHECK_EQ(cpgid, getpgrp());
        CHECK_EQ(csid, getsid(0));
        for (int j = 0; j < i; j++)
            CHECK(seen[j] != pid);
        seen[i] = pid;
    }
    return 0;
}
