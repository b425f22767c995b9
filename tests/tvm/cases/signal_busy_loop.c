/* A task in pure C code, making no calls, is still reached by signals sent
 * from another task: its handler runs, the default action terminates it,
 * SIGKILL ends it, SIGSTOP stops it and SIGCONT resumes it; raise()
 * delivers its default action before returning. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t stop_flag;

static void on_usr1(int s)
{
    (void)s;
    stop_flag = 1;
}

/* Forks a child that reports on `ready` and then spins: until SIGUSR1's
 * handler sets the flag (exit 5) when `until_flag`, else forever. */
static pid_t spinner(int until_flag)
{
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        write(ready[1], "r", 1);
        close(ready[1]);
        volatile unsigned long x = 0;
        if (until_flag) {
            while (!stop_flag)
                x++;
            _exit(x > 0 ? 5 : 6);
        }
        for (;;)
            x++;
    }
    close(ready[1]);
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    close(ready[0]);
    usleep(20000); /* well inside the loop */
    return pid;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    pid_t pid = spinner(1);
    CHECK_OK(kill(pid, SIGUSR1));
    CHECK_EQ(wait_exit(pid), 5);

    pid = spinner(0);
    CHECK_OK(kill(pid, SIGTERM));
    int st = wait_status(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGTERM);

    pid = spinner(0);
    CHECK_OK(kill(pid, SIGKILL));
    st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* Stopped in the loop, continued, then the handler ends it. */
    pid = spinner(1);
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    CHECK_OK(kill(pid, SIGUSR1));
    CHECK_EQ(wait_exit(pid), 5);

    /* raise with the default action terminates before it returns. */
    pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(9);
    }
    st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    CHECK(!WCOREDUMP(st));
    return 0;
}
