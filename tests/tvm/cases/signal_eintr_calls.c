/* Every blocking call ends with EINTR when a caught signal (no SA_RESTART)
 * arrives: read and write on pipes, poll, select, accept, connect,
 * waitpid, sigsuspend, pause, nanosleep, and sleep returns early. */
#include "tvmtest.h"
#include <signal.h>

/* Signals `pid` with SIGUSR1 every 2 ms until it exits; returns its exit
 * code. Repeating covers a signal that lands before the call blocks. */
static int pester_until_exit(pid_t pid)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        CHECK(r != -1);
        if (r == pid) {
            if (!WIFEXITED(st))
                FAIL("pid %d ended with status 0x%x", (int)pid, st);
            return WEXITSTATUS(st);
        }
        kill(pid, SIGUSR1);
        usleep(2000);
    }
}

int main(void)
{
    static const char *calls[] = { "read",       "write", "poll",  "select",    "accept", "connect",
                                   "waitpid",    "pause", "sleep", "nanosleep", "sigsuspend" };
    /* Blocked until each helper has its handler (it unblocks it). */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        pid_t pid = spawn_helper(NULL, "block_in", calls[i], "eintr", NULL);
        int code = pester_until_exit(pid);
        if (code != 4)
            FAIL("block_in %s eintr exited %d, want 4 (EINTR)", calls[i], code);
    }
    return 0;
}
