/* SIGCHLD arrives for a child's exit, stop and continue, with CLD_* codes
 * and statuses; SA_NOCLDSTOP silences stops and continues. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t codes[8], statuses[8], count;

static void on_child(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (count < 8) {
        codes[count] = si->si_code;
        statuses[count] = si->si_status;
        count++;
    }
}

static void expect(int n)
{
    while (count < n)
        usleep(1000);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_child;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK_OK(sigaction(SIGCHLD, &sa, NULL));

    int release;
    pid_t pid = spawn_blocked(&release, NULL, "5");
    CHECK_OK(kill(pid, SIGSTOP));
    expect(1);
    CHECK_EQ(codes[0], CLD_STOPPED);
    CHECK_EQ(statuses[0], SIGSTOP);
    CHECK_OK(kill(pid, SIGCONT));
    expect(2);
    CHECK_EQ(codes[1], CLD_CONTINUED);
    CHECK_EQ(statuses[1], SIGCONT);
    close(release);
    expect(3);
    CHECK_EQ(codes[2], CLD_EXITED);
    CHECK_EQ(statuses[2], 5);
    CHECK_EQ(wait_exit(pid), 5);

    pid = spawn_blocked(&release, NULL, "0");
    CHECK_OK(kill(pid, SIGTERM));
    expect(4);
    CHECK_EQ(codes[3], CLD_KILLED);
    CHECK_EQ(statuses[3], SIGTERM);
    CHECK_EQ(WTERMSIG(wait_status(pid)), SIGTERM);
    close(release);

    /* SA_NOCLDSTOP: only the exit is signalled. */
    sa.sa_flags |= SA_NOCLDSTOP;
    CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
    pid = spawn_blocked(&release, NULL, "6");
    CHECK_OK(kill(pid, SIGSTOP));
    int st;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_OK(kill(pid, SIGCONT));
    close(release);
    expect(5);
    CHECK_EQ(codes[4], CLD_EXITED);
    CHECK_EQ(statuses[4], 6);
    CHECK_EQ(wait_exit(pid), 6);
    usleep(20000);
    CHECK_EQ(count, 5);
    return 0;
}
