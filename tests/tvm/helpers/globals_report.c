/* globals_report: prints its globals, which an exec must have fresh. */
#include "tvmtest.h"

int initialized = 5;
char text[16] = "fresh";
int zeroed;

int main(void)
{
    dprintf(1, "%d %s %d\n", initialized, text, zeroed);
    return 0;
}
