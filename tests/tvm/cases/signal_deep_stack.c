/* A stack maps a few pages and grows on demand (docs/memory.md): deep
 * recursion reaches the full default size, and signals delivered all the
 * while, their handlers using stack of their own, land below frames that
 * were never touched before; so do the buffers of system calls made from
 * deep frames. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
    volatile char scratch[32 * 1024];
    scratch[0] = (char)sig;
    scratch[sizeof scratch - 1] = (char)sig;
    handled += scratch[0] == SIGALRM && scratch[sizeof scratch - 1] == SIGALRM;
}

/* At the bottom: a system call reads into a stack buffer no frame has
 * touched, below the deepest frame. */
static __attribute__((noinline)) int bottom(int fd)
{
    char buf[4096];
    if (write(fd, "0123456789", 10) != 10 || read(fd, buf, sizeof buf) < 0)
        return -1;
    return 0;
}

/* Recurses `depth` frames of a little over 8 KiB each. */
static long dive(int depth, int fd)
{
    volatile char frame[8 * 1024];
    frame[0] = (char)depth;
    if (depth == 0)
        return bottom(fd) + frame[0];
    long below = dive(depth - 1, fd);
    return below + frame[0] - (char)depth;
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    struct itimerval every = { { 0, 200 }, { 0, 200 } };
    CHECK_OK(setitimer(ITIMER_REAL, &every, NULL));
    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0);
    /* About 7 MiB of the default 8 MiB, several times. */
    for (int i = 0; i < 5; i++)
        CHECK_EQ(dive(7 * 1024 / 8 - 24, fd), 0);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
    CHECK(handled > 0);
    close(fd);
    return 0;
}
