/* print_sigstate [unblock]: prints which of SIGUSR1/SIGUSR2 are blocked
 * and the disposition (dfl, ign, handler) of SIGINT, SIGTERM and SIGQUIT.
 * With "unblock", instead unblocks every signal (so a pending one is
 * delivered) and exits 0. */
#include "tvmtest.h"
#include <signal.h>

static const char *disp(int sig)
{
    struct sigaction sa;
    CHECK_OK(sigaction(sig, NULL, &sa));
    if (sa.sa_handler == SIG_DFL)
        return "dfl";
    if (sa.sa_handler == SIG_IGN)
        return "ign";
    return "handler";
}

int main(int argc, char **argv)
{
    sigset_t m;
    if (argc == 2 && strcmp(argv[1], "unblock") == 0) {
        sigemptyset(&m);
        CHECK_OK(sigprocmask(SIG_SETMASK, &m, NULL));
        return 0;
    }
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &m));
    dprintf(1, "usr1=%d usr2=%d int=%s term=%s quit=%s\n", sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2),
            disp(SIGINT), disp(SIGTERM), disp(SIGQUIT));
    return 0;
}
