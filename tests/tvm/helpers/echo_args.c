/* echo_args ARGS...: prints argc, then each argument on its own line. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    dprintf(1, "argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        dprintf(1, "%d:%s\n", i, argv[i]);
    return 0;
}
