/* fork with a 64 MiB heap: the child sees every byte, changes its copy,
 * and the parent's stays intact. */
#include "tvmtest.h"

#define SIZE (64L << 20)

int main(void)
{
    unsigned char *big = malloc(SIZE);
    CHECK(big != NULL);
    for (long i = 0; i < SIZE; i++)
        big[i] = (unsigned char)(i * 31 + 7);
    unsigned char **refs = malloc(1000 * sizeof *refs);
    for (int i = 0; i < 1000; i++)
        refs[i] = big + (long)i * (SIZE / 1000);
    pid_t pid = fork();
    if (pid == 0) {
        for (long i = 0; i < SIZE; i += 4093)
            if (big[i] != (unsigned char)(i * 31 + 7))
                _exit(10);
        for (int i = 0; i < 1000; i++)
            if (refs[i] != big + (long)i * (SIZE / 1000))
                _exit(11);
        memset(big, 0, SIZE);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    for (long i = 0; i < SIZE; i += 4093)
        CHECK_EQ(big[i], (unsigned char)(i * 31 + 7));
    free(big);
    return 0;
}
