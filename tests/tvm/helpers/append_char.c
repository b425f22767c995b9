/* append_char C: writes the single character C to stdout. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    write_all(1, argv[1], 1);
    return 0;
}
