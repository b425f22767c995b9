/* A task whose loop calls only runtime functions that are not system calls
 * (malloc, free, getpid) is still reached by signals: a host poke that
 * lands while it is inside one of them must not be lost. Many rounds, so
 * the race is hit: every child must die of the signal sent. */
#include "tvmtest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static pid_t churner(void)
{
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        write(ready[1], "r", 1);
        close(ready[1]);
        for (;;) {
            void *p = malloc(64 + (size_t)(getpid() & 7));
            free(p);
        }
    }
    close(ready[1]);
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    close(ready[0]);
    return pid;
}

int main(void)
{
    for (int i = 0; i < 300; i++) {
        int sig = (i % 2) ? SIGKILL : SIGTERM;
        pid_t pid = churner();
        CHECK_OK(kill(pid, sig));
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFSIGNALED(st));
        CHECK_EQ(WTERMSIG(st), sig);
    }
    return 0;
}
