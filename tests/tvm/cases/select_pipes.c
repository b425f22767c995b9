/* select() and pselect(): read/write sets, the timeout is updated, closed
 * descriptors are EBADF, a bad nfds is EINVAL. */
#include "tvmtest.h"
#include <sys/select.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = { 0, 0 };
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));

    write_all(p[1], "x", 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    CHECK_EQ(select(p[1] + 1, &r, &w, NULL, NULL), 2);
    CHECK(FD_ISSET(p[0], &r));
    CHECK(FD_ISSET(p[1], &w));

    char b;
    CHECK_EQ(read(p[0], &b, 1), 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 0;
    tv.tv_usec = 120000;
    CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
    CHECK(!FD_ISSET(p[0], &r));
    CHECK_EQ(tv.tv_sec, 0);
    CHECK_EQ(tv.tv_usec, 0);

    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timespec ts = { 0, 50000000 };
    sigset_t none;
    sigemptyset(&none);
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, &none), 0);
    write_all(p[1], "y", 1);
    FD_SET(p[0], &r);
    CHECK_EQ(pselect(p[0] + 1, &r, NULL, NULL, NULL, NULL), 1);

    FD_ZERO(&r);
    FD_SET(20, &r);
    CHECK_ERR(select(21, &r, NULL, NULL, NULL), EBADF);
    CHECK_ERR(select(-1, NULL, NULL, NULL, NULL), EINVAL);
    tv.tv_sec = 0;
    tv.tv_usec = 2000000;
    CHECK_ERR(select(0, NULL, NULL, NULL, &tv), EINVAL);
    /* select with no descriptors sleeps for the timeout. */
    tv.tv_sec = 0;
    tv.tv_usec = 30000;
    CHECK_EQ(select(0, NULL, NULL, NULL, &tv), 0);
    return 0;
}
