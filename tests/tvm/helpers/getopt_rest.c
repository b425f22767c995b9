/* getopt_rest OPTS...: parses -a and -b ARG with getopt and prints what it
 * saw, then the remaining operands: a fresh image starts with optind 1. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    int c;
    while ((c = getopt(argc, argv, "ab:")) != -1)
        printf("%c%s,", c, optarg ? optarg : "");
    printf("|%d", optind);
    for (int i = optind; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
