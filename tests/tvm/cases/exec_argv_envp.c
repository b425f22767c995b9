/* The new program gets exactly the argv and envp passed to execve. */
#include "tvmtest.h"

int main(void)
{
    char out[8192];
    CHECK_EQ(capture_helper(out, sizeof out, "execve_with_env", "echo_args", "X=1", "--", "", "a b", "-x", NULL), 0);
    CHECK_STR(out, "argc=4\n0:echo_args\n1:\n2:a b\n3:-x\n");
    CHECK_EQ(capture_helper(out, sizeof out, "execve_with_env", "print_env", "X=1", "Y=two words", "EMPTY=", "--", NULL), 0);
    CHECK_STR(out, "X=1\nY=two words\nEMPTY=\n");
    CHECK_EQ(capture_helper(out, sizeof out, "execve_with_env", "print_env", "--", NULL), 0);
    CHECK_STR(out, "");

    /* Many arguments. */
    char *argv[260];
    char store[256][8];
    argv[0] = "echo_args";
    for (int i = 1; i <= 256; i++) {
        snprintf(store[i - 1], sizeof store[0], "a%d", i);
        argv[i] = store[i - 1];
    }
    argv[257] = NULL;
    CHECK_EQ(capture_spawn(out, sizeof out, NULL, TVMTEST_DIR "echo_args", argv, environ, NULL), 0);
    CHECK(strncmp(out, "argc=257\n0:echo_args\n1:a1\n", 26) == 0);
    CHECK(strstr(out, "\n256:a256\n") != NULL);
    return 0;
}
