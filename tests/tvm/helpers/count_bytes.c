/* count_bytes C: reads stdin to end-of-file, prints the byte count and how
 * many bytes were C. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    char buf[8192];
    long total = 0, hits = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            hits += buf[i] == argv[1][0];
        total += n;
    }
    CHECK_EQ(n, 0);
    dprintf(1, "%ld %ld\n", total, hits);
    return 0;
}
