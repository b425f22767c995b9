/* exec_to PATH ARGS...: execv(PATH, ARGS); on failure prints the errno
 * name and exits 127. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc >= 3);
    execv(argv[1], &argv[2]);
    dprintf(1, "errno=%d\n", errno);
    return 127;
}
