/* write_pattern N: writes N bytes of a position-dependent pattern to stdout
 * in chunks of varying size. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    long total = atol(argv[1]);
    char buf[70001];
    long pos = 0;
    size_t chunk = 1;
    while (pos < total) {
        size_t n = chunk;
        if ((long)n > total - pos)
            n = (size_t)(total - pos);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(((pos + (long)i) * 7 + 13) & 0xff);
        write_all(1, buf, n);
        pos += (long)n;
        chunk = chunk * 3 % sizeof buf + 1;
    }
    return 0;
}
