/* A task whose loop lives in a host C library call (here the host's own
 * malloc, which holds the host allocator's lock while it works) gets its
 * signals, and its handler may call that library too. Delivering on the
 * spot inside the host call would run the handler with the lock held: its
 * own malloc would then wait for that lock forever. Signals must be
 * delivered only where the task runs its own code. */
#include "tvmtest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

/* glibc's allocator entry points, called directly: the guest shim turns
 * plain malloc into the runtime's, and this test needs the host's. */
extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);

#define HANDLED 50
/* Above the host allocator's per-thread cache and below its mmap
 * threshold: every call takes the arena's lock. */
#define SIZE (96 << 10)

static volatile sig_atomic_t handled;

static void on_usr1(int s)
{
    (void)s;
    char *p = __libc_malloc(SIZE);
    if (p) {
        p[0] = 1;
        __libc_free(p);
    }
    handled++;
}

static void churn(void)
{
    for (unsigned i = 0;; i++) {
        char *p = __libc_malloc(SIZE + (i & 7) * 64);
        if (p) {
            p[SIZE - 1] = (char)i;
            __libc_free(p);
        }
        if (handled >= HANDLED)
            _exit(0);
    }
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        churn();

    /* One signal every half millisecond until the child has handled
     * enough of them; ten seconds at most. */
    struct timespec gap = { 0, 500000 };
    for (int i = 0; i < 20000; i++) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        CHECK(r >= 0);
        if (r == pid) {
            CHECK(WIFEXITED(st));
            CHECK_EQ(WEXITSTATUS(st), 0);
            return 0;
        }
        CHECK_OK(kill(pid, SIGUSR1));
        nanosleep(&gap, NULL);
    }
    kill(pid, SIGKILL);
    FAIL("the child handled fewer than %d signals in 10 s", HANDLED);
    return 1;
}
