/* print_cwd: prints the working directory. */
#include "tvmtest.h"

int main(void)
{
    char buf[4096];
    CHECK(getcwd(buf, sizeof buf) != NULL);
    dprintf(1, "%s\n", buf);
    return 0;
}
