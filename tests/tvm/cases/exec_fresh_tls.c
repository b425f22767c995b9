/* An exec'd program starts with fresh thread-local state. */
#include "tvmtest.h"

int main(void)
{
    char out[64];
    CHECK_EQ(capture_helper(out, sizeof out, "tls_probe", "again", NULL), 0);
    CHECK_STR(out, "7\n7\n");
    return 0;
}
