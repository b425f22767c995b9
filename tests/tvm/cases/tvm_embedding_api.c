/* The embedding API of include/tvm.h, called from C: registering programs
 * (and its errors), running the registered program, and tvm_run refusing
 * to start a second first task from inside a task. */
#include "tvmtest.h"
#include <tvm.h>

static int hello_main(int argc, char **argv, char **envp)
{
    (void)envp;
    dprintf(1, "hello %s %d\n", argv[0], argc);
    return 3;
}

static int other_main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    return 0;
}

int main(void)
{
    CHECK_EQ(tvm_init(), 0);
    CHECK_EQ(tvm_register_program("/tvm-embed/hello", hello_main), 0);
    CHECK_EQ(tvm_register_program("/tvm-embed/hello", hello_main), 0);
    CHECK_EQ(tvm_register_program("/tvm-embed/alias", hello_main), 0);
    CHECK_ERR(tvm_register_program("/tvm-embed/hello", other_main), EEXIST);
    CHECK_ERR(tvm_register_program("relative/path", other_main), EINVAL);
    CHECK_ERR(tvm_register_program("/a/../b", other_main), EINVAL);
    CHECK_ERR(tvm_register_program("/tvm-embed/null", NULL), EINVAL);

    char out[128];
    CHECK_EQ(WEXITSTATUS(capture_helper(out, sizeof out, "../tvm-embed/alias", "x", NULL)), 3);
    CHECK_STR(out, "hello ../tvm-embed/alias 2\n");

    const char *argv[] = { "hello" };
    CHECK_ERR(tvm_run("/tvm-embed/hello", 1, argv), EBUSY);
    return 0;
}
