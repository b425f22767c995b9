/* A child's environment changes never reach its parent, and tasks changing
 * their environments at the same time never see each other's values. */
#include "tvmtest.h"

int main(void)
{
    CHECK_OK(setenv("TVM_X", "parent", 1));
    CHECK_OK(setenv("HOME", "/home/tvm", 1));
    char out[256];
    CHECK_EQ(capture_helper(out, sizeof out, "print_getenv", "TVM_X", NULL), 0);
    CHECK_STR(out, "parent\n");
    pid_t pid = spawn_helper(NULL, "env_mutator", NULL);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(getenv("TVM_X"), "parent");
    CHECK_STR(getenv("HOME"), "/home/tvm");
    CHECK(getenv("TVM_PUT") == NULL);

    pid_t pids[8];
    for (int i = 0; i < 8; i++) {
        char id[16];
        snprintf(id, sizeof id, "w%d", i);
        pids[i] = spawn_helper(NULL, "env_worker", id, NULL);
    }
    for (int i = 0; i < 2000; i++) {
        CHECK_OK(setenv("W", "parent", 1));
        CHECK_STR(getenv("W"), "parent");
    }
    for (int i = 0; i < 8; i++)
        CHECK_EQ(wait_exit(pids[i]), 0);
    return 0;
}
