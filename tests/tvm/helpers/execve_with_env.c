/* execve_with_env PROGRAM VAR... -- ARG...: execve(/tvmtest/PROGRAM) with
 * exactly the VARs as environment and PROGRAM ARG... as argv. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    CHECK(argc >= 3);
    char *envp[64], *args[64];
    int ne = 0, na = 0, i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++)
        envp[ne++] = argv[i];
    envp[ne] = NULL;
    args[na++] = argv[1];
    for (i++; i < argc; i++)
        args[na++] = argv[i];
    args[na] = NULL;
    char path[256];
    snprintf(path, sizeof path, TVMTEST_DIR "%s", argv[1]);
    execve(path, args, envp);
    FAIL("execve %s: %s", path, strerror(errno));
}
