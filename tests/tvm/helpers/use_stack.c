/* use_stack KIB: recurses through KIB KiB of stack, then exits 0. */
#include <stdlib.h>
#include <string.h>

static int dive(long kib)
{
    volatile char frame[1024];
    memset((char *)frame, (int)kib, sizeof frame);
    if (kib <= 1)
        return frame[0];
    return dive(kib - 1) + frame[7];
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    dive(atol(argv[1]));
    return 0;
}
