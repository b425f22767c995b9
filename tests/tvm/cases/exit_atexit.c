/* exit() and return from main run atexit/on_exit handlers in reverse
 * order; _exit and _Exit run none. */
#include "tvmtest.h"

int main(void)
{
    char out[256];
    int st = capture_helper(out, sizeof out, "atexit_writer", "exit", NULL);
    CHECK_EQ(WEXITSTATUS(st), 5);
    CHECK_STR(out, "32[5:arg]1");
    st = capture_helper(out, sizeof out, "atexit_writer", "return", NULL);
    CHECK_EQ(WEXITSTATUS(st), 6);
    CHECK_STR(out, "32[6:arg]1");
    st = capture_helper(out, sizeof out, "atexit_writer", "_exit", NULL);
    CHECK_EQ(WEXITSTATUS(st), 7);
    CHECK_STR(out, "");
    st = capture_helper(out, sizeof out, "atexit_writer", "_Exit", NULL);
    CHECK_EQ(WEXITSTATUS(st), 8);
    CHECK_STR(out, "");
    return 0;
}
