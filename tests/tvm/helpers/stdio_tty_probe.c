/* stdio_tty_probe: prints "line\n", then "partial", on stdout, each
 * followed by a message on (unbuffered) stderr, then reads a character
 * from stdin and exits 0 if it is 'x'. Where stdout and stderr share a
 * terminal, the order in which the pieces arrive shows stdout's buffering. */
#include "tvmtest.h"

int main(void)
{
    printf("line\n");
    fprintf(stderr, "E1\n");
    printf("partial");
    fprintf(stderr, "E2\n");
    return getchar() == 'x' ? 0 : 1;
}
