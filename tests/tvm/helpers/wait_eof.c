/* wait_eof [CODE]: reads stdin until end-of-file, then exits with CODE. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    char buf[512];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        ;
    CHECK(n == 0);
    return argc > 1 ? atoi(argv[1]) : 0;
}
