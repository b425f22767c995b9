/* A program registered as a bare main (tvm_register_program) has no
 * globals table: its fork() fails with ENOSYS and says why on stderr,
 * instead of giving a child that shares the parent's globals. */
#include "tvmtest.h"
#include "tvm.h"

static int bare_main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    errno = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(99);
    return pid == -1 && errno == ENOSYS ? 0 : 1;
}

int main(void)
{
    CHECK_EQ(tvm_register_program("/tvmtest-bare/forker", bare_main), 0);
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 2), 0);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
    char *argv[] = { "forker", NULL };
    pid_t pid;
    CHECK_EQ(posix_spawn(&pid, "/tvmtest-bare/forker", &fa, NULL, argv, environ), 0);
    close(p[1]);
    char err[512];
    read_all(p[0], err, sizeof err);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK(strstr(err, "forkless: fork: forker was registered without its globals table") != NULL);
    CHECK_EQ(strchr(err, '\n') - err + 1, (long)strlen(err));
    return 0;
}
