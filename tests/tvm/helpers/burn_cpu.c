/* burn_cpu MS: spins for MS milliseconds of its own CPU time. */
#include "tvmtest.h"
#include <time.h>

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    long ms = atol(argv[1]);
    struct timespec t;
    volatile unsigned long x = 0;
    do {
        for (int i = 0; i < 100000; i++)
            x += (unsigned long)i;
        CHECK_OK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t));
    } while (t.tv_sec * 1000 + t.tv_nsec / 1000000 < ms);
    (void)x;
    return 0;
}
