/* A terminated child stays a zombie (visible, its pid taken) until its
 * parent waits; `tvm ps` shows it as Z with its status. */
#include "tvmtest.h"

int main(void)
{
    pid_t pid = spawn_helper(NULL, "exit_with", "9", NULL);
    siginfo_t si;
    CHECK_OK(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT));
    CHECK_EQ(getpgid(pid), getpgrp());
    char out[16384], line[64];
    capture_helper(out, sizeof out, "../bin/tvm", "ps", NULL);
    snprintf(line, sizeof line, "%5d %5d", (int)pid, (int)getpid());
    char *at = strstr(out, line);
    CHECK(at != NULL);
    CHECK(strstr(at, "Z(9)") != NULL);
    CHECK_EQ(wait_exit(pid), 9);
    CHECK_ERR(getpgid(pid), ESRCH);
    return 0;
}
