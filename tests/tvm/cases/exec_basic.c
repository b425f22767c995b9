/* execve replaces the program and keeps the pid, parent, and descriptors;
 * the new program's exit status is the task's. */
#include "tvmtest.h"

int main(void)
{
    char out[128];
    pid_t pid;
    char *ids[] = { "exec_to", TVMTEST_DIR "print_ids", "print_ids", NULL };
    CHECK_EQ(capture_spawn(out, sizeof out, &pid, TVMTEST_DIR "exec_to", ids, environ, NULL), 0);
    int cpid, cppid, cpgid, csid;
    CHECK_EQ(sscanf(out, "%d %d %d %d", &cpid, &cppid, &cpgid, &csid), 4);
    CHECK_EQ(cpid, pid);
    CHECK_EQ(cppid, getpid());

    pid = spawn_helper(NULL, "exec_to", TVMTEST_DIR "exit_with", "exit_with", "33", NULL);
    CHECK_EQ(wait_exit(pid), 33);

    /* A chain of execs keeps the pid. */
    char *chain[] = { "exec_to", TVMTEST_DIR "exec_to", "exec_to", TVMTEST_DIR "exec_to", "exec_to",
                      TVMTEST_DIR "print_ids", "print_ids", NULL };
    CHECK_EQ(capture_spawn(out, sizeof out, &pid, TVMTEST_DIR "exec_to", chain, environ, NULL), 0);
    CHECK_EQ(atoi(out), pid);
    return 0;
}
