/* Stop and continue are reported by waitpid (WUNTRACED, WCONTINUED) and
 * waitid; SIGTSTP stops by default; a stopped task resumes where it was.
 * The child gets its own process group: the test's group has no parent in
 * its session (it is orphaned), where SIGTSTP would be discarded. */
#include "tvmtest.h"
#include <signal.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        close(p[1]);
        char b;
        ssize_t n = read(p[0], &b, 1); /* stopped and continued in here */
        _exit(n == 1 && b == 'x' ? 0 : 1);
    }
    setpgid(pid, pid);
    close(p[0]);
    int st;
    CHECK_EQ(waitpid(pid, &st, WNOHANG | WUNTRACED), 0);
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    CHECK_EQ(st, (SIGSTOP << 8) | 0x7f);
    /* Reported once. */
    CHECK_EQ(waitpid(pid, &st, WNOHANG | WUNTRACED), 0);
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    CHECK_EQ(st, 0xffff);

    CHECK_OK(kill(pid, SIGTSTP));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, (id_t)pid, &si, WSTOPPED));
    CHECK_EQ(si.si_code, CLD_STOPPED);
    CHECK_EQ(si.si_status, SIGTSTP);
    /* A write while it is stopped waits in the pipe. */
    write_all(p[1], "x", 1);
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_OK(waitid(P_PID, (id_t)pid, &si, WCONTINUED));
    CHECK_EQ(si.si_code, CLD_CONTINUED);
    CHECK_EQ(wait_exit(pid), 0);

    /* SIGKILL ends a stopped task. */
    int release;
    pid = spawn_blocked(&release, NULL, "0");
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK_OK(kill(pid, SIGKILL));
    st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    close(release);
    return 0;
}
