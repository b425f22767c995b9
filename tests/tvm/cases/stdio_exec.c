/* stdio across exec: what was flushed stays written, what was buffered is
 * gone with the old image (as on Unix), and the new image's stdout is a
 * fresh stream on the same descriptor. */
#include "tvmtest.h"

static void exec_after(void *arg)
{
    int flush = *(int *)arg;
    printf("before-");
    if (flush)
        fflush(stdout);
    execl(TVMTEST_DIR "stdio_print", "stdio_print", "after", (char *)NULL);
    FAIL("execl failed");
}

int main(void)
{
    char out[64];
    int flush = 1;
    CHECK_EQ(capture_child(out, sizeof out, exec_after, &flush), 0);
    CHECK_STR(out, "before-after");
    flush = 0;
    CHECK_EQ(capture_child(out, sizeof out, exec_after, &flush), 0);
    CHECK_STR(out, "after");
    return 0;
}
