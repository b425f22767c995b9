/* The random generators give glibc's numbers, and a fork child continues
 * its parent's sequence from the same point (the state is copied). */
#include "tvmtest.h"

int main(void)
{
    /* Unseeded: as if srand(1). */
    CHECK_EQ(rand(), 1804289383);
    srandom(12345);
    CHECK_EQ(random(), 383100999);
    pid_t pid = fork();
    if (pid == 0)
        _exit(random() == 858300821 ? 0 : 1);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(random(), 858300821);

    static char st8[8], st32[32], st256[256];
    char *prev = initstate(7, st8, sizeof st8);
    CHECK(prev != NULL);
    CHECK_EQ(random(), 1282168116);
    initstate(7, st32, sizeof st32);
    CHECK_EQ(random(), 1380991591);
    initstate(7, st256, sizeof st256);
    CHECK_EQ(random(), 1845920155);
    CHECK(setstate(st32) == st256);
    CHECK_EQ(random(), 1769076016);
    CHECK(initstate(1, st8, 7) == NULL);
    CHECK_EQ(errno, EINVAL);

    srand48(0);
    CHECK_EQ(lrand48(), 366850414);
    CHECK_EQ(mrand48(), -1074162815);
    CHECK(drand48() == 0.09637165562356742);
    unsigned short seed[3] = { 1, 2, 3 };
    unsigned short *old = seed48(seed);
    CHECK(old[0] == 10787 && old[1] == 53269 && old[2] == 6315);
    CHECK_EQ(lrand48(), 949179875);
    return 0;
}
