/* print_env: prints every environment entry on its own line, and checks
 * that main's envp and environ agree. */
#include "tvmtest.h"

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    CHECK(envp == environ);
    for (char **e = environ; *e != NULL; e++)
        dprintf(1, "%s\n", *e);
    return 0;
}
