/* exit_with CODE: exits with CODE (from main, so atexit runs). */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) : 0;
}
