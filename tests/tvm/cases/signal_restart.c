/* SA_RESTART: read on a pipe and waitpid resume after the handler and
 * complete; without it they fail with EINTR. nanosleep, poll and select
 * fail with EINTR either way (as on Linux), nanosleep reporting the time
 * left. */
#include "tvmtest.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>

static volatile sig_atomic_t hits, blocked_hits, blocking;

static void on_usr1(int s)
{
    (void)s;
    hits++;
    if (blocking)
        blocked_hits++;
}

static void set_handler(int flags)
{
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
}

/* Forks a child that sends SIGUSR1 to the caller `n` times, 3 ms apart,
 * then writes one byte to `w` (if >= 0) and exits 7. */
static pid_t pester(int n, int w)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < n; i++) {
            usleep(3000);
            kill(parent, SIGUSR1);
        }
        if (w >= 0)
            write(w, "x", 1);
        _exit(7);
    }
    return pid;
}

/* Ends a pester child early and reaps it despite EINTRs. */
static void stop_pester(pid_t pid)
{
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) == -1)
        CHECK_EQ(errno, EINTR);
}

int main(void)
{
    int p[2];
    char b;
    int st;

    /* Restarted read: the bytes arrive after several handled signals. */
    set_handler(SA_RESTART);
    CHECK_OK(pipe(p));
    pid_t pid = pester(20, p[1]);
    blocking = 1;
    ssize_t n = read(p[0], &b, 1);
    blocking = 0;
    CHECK_EQ(n, 1);
    CHECK(blocked_hits >= 1);
    CHECK_EQ(wait_exit(pid), 7);

    /* Restarted waitpid. */
    hits = blocked_hits = 0;
    pid = pester(20, -1);
    blocking = 1;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    blocking = 0;
    CHECK(blocked_hits >= 1);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);

    /* nanosleep, poll and select: EINTR even under SA_RESTART. */
    pid = pester(100000, -1);
    struct timespec t = { .tv_sec = 10 }, rem = { 0 };
    CHECK_ERR(nanosleep(&t, &rem), EINTR);
    CHECK(rem.tv_sec < 10 && rem.tv_sec >= 5);
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    CHECK_ERR(poll(&pfd, 1, -1), EINTR);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, NULL), EINTR);

    /* Without SA_RESTART, read and waitpid fail with EINTR. */
    set_handler(0);
    hits = 0;
    CHECK_ERR(read(p[0], &b, 1), EINTR);
    CHECK(hits >= 1);
    int q[2];
    CHECK_OK(pipe(q));
    pid_t quiet = fork();
    if (quiet == 0) {
        close(q[1]);
        read(q[0], &b, 1);
        _exit(0);
    }
    close(q[0]);
    CHECK_ERR(waitpid(quiet, &st, 0), EINTR);
    close(q[1]);
    stop_pester(pid);
    while (waitpid(quiet, &st, 0) == -1)
        CHECK_EQ(errno, EINTR);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}
