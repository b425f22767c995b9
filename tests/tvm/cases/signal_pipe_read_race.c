/* A caught signal sent to a task blocked in a pipe read or write ends that
 * call with EINTR, every time, and the task shows as sleeping (S) while it
 * waits. The runtime waits inside the host read or write itself; a signal
 * that lands between the runtime's last check and the host call must
 * still end it. Each round the parent waits for the child to show S (it is
 * inside the call by then), then signals it after a varying delay; one
 * lost signal leaves the child blocked on a pipe nobody writes, and the
 * test fails on its deadline instead of hanging. */
#include "tvmtest.h"
#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <time.h>

#define ROUNDS 1500

static volatile sig_atomic_t caught;

static void on_usr1(int s)
{
    (void)s;
    caught++;
}

/* Rounds of: tell the parent "about to block", then read an empty pipe
 * (or write a full one) until a signal ends the call. Exits 0 when every
 * call ended with EINTR and the handler ran each time. */
static void child(int ready_w, int empty_r, int full_w)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    char byte = 0, big[4096] = { 0 };
    /* The ready pipe never fills: a non-blocking write of it never
     * waits, so the child shows S only inside the call under test. */
    CHECK_OK(fcntl(ready_w, F_SETFL, O_NONBLOCK));
    for (int round = 0; round < ROUNDS; round++) {
        CHECK_EQ(write(ready_w, "r", 1), 1);
        ssize_t n = (round & 1) ? write(full_w, big, sizeof big) : read(empty_r, &byte, 1);
        if (n != -1 || errno != EINTR)
            FAIL("round %d: %s returned %zd (errno %d), want EINTR", round, (round & 1) ? "write" : "read",
                 n, errno);
    }
    _exit(caught == ROUNDS ? 0 : 3);
}

/* The state letter of `pid` in /proc/PID/stat. */
static char state_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    CHECK(n > 0);
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    CHECK(paren != NULL && paren[1] == ' ');
    return paren[2];
}

/* Waits up to two seconds for `pid` to show state S. */
static void await_sleeping(pid_t pid, int round)
{
    struct timespec tick = { 0, 20000 };
    for (int i = 0; i < 100000; i++) {
        if (state_of(pid) == 'S')
            return;
        if (i > 1000)
            nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    FAIL("round %d: the child never showed S while blocked in a pipe call", round);
}

/* Waits up to two seconds for the ready pipe to have data or hang up: a
 * child that lost the signal of the round before stays blocked. */
static void await_ready(int fd, pid_t pid, int round)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, 2000) != 1) {
        kill(pid, SIGKILL);
        FAIL("round %d: the child is still blocked: a signal sent as it waited was lost", round - 1);
    }
}

int main(void)
{
    int ready[2], empty[2], full[2];
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(empty));
    CHECK_OK(pipe(full));
    /* Fill `full` so a blocking write of 4 KiB must wait. */
    int fl = fcntl(full[1], F_GETFL);
    CHECK_OK(fcntl(full[1], F_SETFL, fl | O_NONBLOCK));
    char chunk[4096] = { 0 };
    while (write(full[1], chunk, sizeof chunk) > 0)
        ;
    CHECK_EQ(errno, EAGAIN);
    CHECK_OK(fcntl(full[1], F_SETFL, fl));

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        child(ready[1], empty[0], full[1]);
    close(ready[1]);
    for (int round = 0; round <= ROUNDS; round++) {
        /* The child's next "ready" (or, after the last round, its exit). */
        await_ready(ready[0], pid, round);
        if (round == ROUNDS)
            break;
        char r;
        CHECK_EQ(read(ready[0], &r, 1), 1);
        await_sleeping(pid, round);
        /* Vary the moment: at once, or after a few microseconds of spin. */
        for (volatile int spin = 0; spin < (round % 7) * 300; spin++)
            ;
        CHECK_OK(kill(pid, SIGUSR1));
    }
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
