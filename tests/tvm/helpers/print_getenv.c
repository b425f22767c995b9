/* print_getenv NAME: prints getenv(NAME) or "(unset)". */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    const char *v = getenv(argv[1]);
    dprintf(1, "%s\n", v ? v : "(unset)");
    return 0;
}
