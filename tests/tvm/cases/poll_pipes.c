/* poll(): readiness of pipe ends, POLLHUP, POLLNVAL for closed
 * descriptors, ignored negative descriptors, timeouts. */
#include "tvmtest.h"
#include <poll.h>
#include <time.h>

static long ms_since(struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    struct pollfd f[4] = {
        { .fd = p[0], .events = POLLIN },
        { .fd = p[1], .events = POLLOUT },
        { .fd = -1, .events = POLLIN },
        { .fd = 77, .events = POLLIN },
    };
    CHECK_EQ(poll(f, 2, 0), 1);
    CHECK_EQ(f[0].revents, 0);
    CHECK_EQ(f[1].revents, POLLOUT);

    CHECK_EQ(poll(f, 4, -1), 2);
    CHECK_EQ(f[2].revents, 0);
    CHECK_EQ(f[3].revents, POLLNVAL);

    write_all(p[1], "x", 1);
    CHECK_EQ(poll(f, 1, -1), 1);
    CHECK_EQ(f[0].revents, POLLIN);

    close(p[1]);
    CHECK_EQ(poll(f, 1, 0), 1);
    CHECK(f[0].revents & POLLIN);
    CHECK(f[0].revents & POLLHUP);
    char b;
    CHECK_EQ(read(p[0], &b, 1), 1);
    CHECK_EQ(poll(f, 1, 0), 1);
    CHECK_EQ(f[0].revents, POLLHUP);
    close(p[0]);

    CHECK_OK(pipe(p));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    f[0].fd = p[0];
    CHECK_EQ(poll(f, 1, 150), 0);
    long el = ms_since(&t0);
    CHECK(el >= 145 && el < 2000);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(poll(NULL, 0, 60), 0);
    el = ms_since(&t0);
    CHECK(el >= 55 && el < 2000);
    volatile nfds_t huge = 10000000; /* opaque to the compiler: deliberate misuse */
    CHECK_ERR(poll(f, huge, 0), EINVAL);
    return 0;
}
