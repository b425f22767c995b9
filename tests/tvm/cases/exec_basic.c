/* execve replaces the program and keeps the pid, parent, and descriptors;
 * the new program's exit status is the task's. */
#include "tvmtest.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    pid_t pid = spawn_helper(&fa, "exec_to", TVMTEST_DIR "print_ids", "print_ids", NULL);
    close(p[1]);
    char out[128];
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    int cpid, cppid, cpgid, csid;
    CHECK_EQ(sscanf(out, "%d %d %d %d", &cpid, &cppid, &cpgid, &csid), 4);
    CHECK_EQ(cpid, pid);
    CHECK_EQ(cppid, getpid());

    pid = spawn_helper(NULL, "exec_to", TVMTEST_DIR "exit_with", "exit_with", "33", NULL);
    CHECK_EQ(wait_exit(pid), 33);

    /* A chain of execs keeps the pid. */
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    pid = spawn_helper(&fa, "exec_to", TVMTEST_DIR "exec_to", "exec_to", TVMTEST_DIR "exec_to", "exec_to",
                       TVMTEST_DIR "print_ids", "print_ids", NULL);
    close(p[1]);
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(atoi(out), pid);
    return 0;
}
