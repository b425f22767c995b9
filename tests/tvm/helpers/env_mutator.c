/* env_mutator: changes its own environment every way it can, then checks
 * the change is visible to itself. */
#include "tvmtest.h"

int main(void)
{
    CHECK_EQ(setenv("TVM_X", "child", 1), 0);
    CHECK_EQ(unsetenv("HOME"), 0);
    static char s[] = "TVM_PUT=child";
    CHECK_EQ(putenv(s), 0);
    CHECK_STR(getenv("TVM_X"), "child");
    CHECK(getenv("HOME") == NULL);
    CHECK_STR(getenv("TVM_PUT"), "child");
    return 0;
}
