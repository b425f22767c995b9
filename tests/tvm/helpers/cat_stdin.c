/* cat_stdin: copies stdin to stdout until end-of-file. */
#include "tvmtest.h"

int main(void)
{
    char buf[8192];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        write_all(1, buf, (size_t)n);
    CHECK(n == 0);
    return 0;
}
