/* Exit codes round-trip through waitpid as exact status words. */
#include "tvmtest.h"

int main(void)
{
    const char *codes[] = { "0", "1", "42", "255", "256", "-1" };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int want = atoi(codes[i]) & 0xff;
        pid_t pid = spawn_helper(NULL, "exit_with", codes[i], NULL);
        int st = wait_status(pid);
        CHECK_EQ(st, want << 8);
        CHECK(WIFEXITED(st));
        CHECK(!WIFSIGNALED(st));
        CHECK(!WIFSTOPPED(st));
        CHECK_EQ(WEXITSTATUS(st), want);
    }
    return 0;
}
