/* wait, wait3, wait4 and waitid report the same children correctly;
 * rusage carries the child's CPU time; waitid fills siginfo. */
#include "tvmtest.h"
#include <sys/resource.h>

int main(void)
{
    int st;
    pid_t pid = spawn_helper(NULL, "exit_with", "21", NULL);
    CHECK_EQ(wait(&st), pid);
    CHECK_EQ(WEXITSTATUS(st), 21);

    pid = spawn_helper(NULL, "burn_cpu", "150", NULL);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    CHECK_EQ(wait3(&st, 0, &ru), pid);
    CHECK_EQ(st, 0);
    long us = ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec;
    CHECK(us >= 100000);
    CHECK(us < 60000000);

    pid_t a = spawn_helper(NULL, "exit_with", "1", NULL);
    pid_t b = spawn_helper(NULL, "exit_with", "2", NULL);
    CHECK_EQ(wait4(b, &st, 0, &ru), b);
    CHECK_EQ(WEXITSTATUS(st), 2);
    CHECK_EQ(wait4(a, &st, 0, NULL), a);
    CHECK_EQ(WEXITSTATUS(st), 1);

    pid = spawn_helper(NULL, "exit_with", "77", NULL);
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    CHECK_EQ(waitid(P_PID, (id_t)pid, &si, WEXITED), 0);
    CHECK_EQ(si.si_signo, SIGCHLD);
    CHECK_EQ(si.si_code, CLD_EXITED);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_status, 77);
    CHECK_EQ(si.si_uid, getuid());

    /* WNOHANG with a running child: 0 and si_pid zeroed. */
    int release;
    pid = spawn_blocked(&release, NULL, "0");
    memset(&si, 0xff, sizeof si);
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), 0);
    CHECK_EQ(si.si_pid, 0);
    close(release);
    CHECK_EQ(waitid(P_ALL, 0, &si, WEXITED), 0);
    CHECK_EQ(si.si_pid, pid);
    CHECK_EQ(si.si_status, 0);
    return 0;
}
