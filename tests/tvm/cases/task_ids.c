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
        char *argv[] = { "print_ids", NULL };
        pid_t pid;
        CHECK_EQ(capture_spawn(out, sizeof out, &pid, TVMTEST_DIR "print_ids", argv, environ, NULL), 0);
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
