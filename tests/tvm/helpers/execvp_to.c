/* execvp_to NAME ARG...: execvp(NAME, [NAME, ARG...]); on failure prints
 * "errno=N" and exits 127. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc >= 2);
    execvp(argv[1], &argv[1]);
    dprintf(1, "errno=%d\n", errno);
    return 127;
}
