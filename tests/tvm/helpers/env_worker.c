/* env_worker ID: sets W=ID and reads it back many times; other tasks doing
 * the same at once must never be seen. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    char val[64];
    for (int i = 0; i < 2000; i++) {
        snprintf(val, sizeof val, "%s-%d", argv[1], i);
        CHECK_EQ(setenv("W", val, 1), 0);
        const char *got = getenv("W");
        CHECK(got != NULL);
        CHECK_STR(got, val);
    }
    return 0;
}
