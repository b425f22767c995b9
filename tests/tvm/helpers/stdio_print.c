/* stdio_print WORDS...: printf()s each word (no newline), then returns
 * from main: the output appears only because exit flushes stdout. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s", argv[i]);
    return 0;
}
