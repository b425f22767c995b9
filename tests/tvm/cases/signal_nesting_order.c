/* Signals that become deliverable together nest as on Linux: a frame is set
 * up for the lowest, then for each next one its mask lets through, and the
 * last set up runs first. A handler's sa_mask holding the others back
 * makes them run after it instead. */
#include "tvmtest.h"
#include <signal.h>

static char order[8];
static volatile sig_atomic_t n;

static void note(int s)
{
    order[n++] = s == SIGUSR1 ? '1' : s == SIGUSR2 ? '2' : 'T';
}

static void release(const char *want)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGTERM);
    n = 0;
    memset(order, 0, sizeof order);
    CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
    raise(SIGTERM);
    raise(SIGUSR2);
    raise(SIGUSR1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
    CHECK_STR(order, want);
}

int main(void)
{
    struct sigaction sa = { .sa_handler = note };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    CHECK_OK(sigaction(SIGTERM, &sa, NULL));
    release("T21");

    /* SIGUSR1's handler blocks SIGUSR2: SIGTERM nests on SIGUSR1's frame,
     * SIGUSR2 waits until SIGUSR1's handler returns. */
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    release("T12");
    return 0;
}
