/* execvp, execlp, execvpe and posix_spawnp search PATH for registered
 * programs; host binaries on the way are skipped; a missing command is
 * ENOENT. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-path-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char decoy[PATH_MAX + 64];
    snprintf(decoy, sizeof decoy, "%s/echo_args", dir);
    int fd = open(decoy, O_CREAT | O_WRONLY, 0755);
    CHECK(fd >= 0);
    write_all(fd, "\177ELF\2\1\1\0", 8);
    close(fd);

    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "/nonexistent:%s:/tvmtest", dir);
    CHECK_OK(setenv("PATH", path, 1));

    char out[512];
    CHECK_EQ(capture_helper(out, sizeof out, "execvp_to", "echo_args", "one", NULL), 0);
    CHECK_STR(out, "argc=2\n0:echo_args\n1:one\n");

    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    char *argv[] = { "echo_args", "two", NULL };
    pid_t pid;
    CHECK_EQ(posix_spawnp(&pid, "echo_args", &fa, NULL, argv, environ), 0);
    close(p[1]);
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "argc=2\n0:echo_args\n1:two\n");

    CHECK_EQ(posix_spawnp(&pid, "no-such-tvm-command", NULL, NULL, argv, environ), ENOENT);
    /* A name with a slash is not searched. */
    CHECK_EQ(posix_spawnp(&pid, "tvmtest/echo_args", NULL, NULL, argv, environ), ENOENT);

    /* PATH without the program's directory. */
    CHECK_OK(setenv("PATH", "/usr/bin:/bin", 1));
    CHECK_EQ(capture_helper(out, sizeof out, "execvp_to", "echo_args", NULL), 127 << 8);
    char want[32];
    snprintf(want, sizeof want, "errno=%d\n", ENOENT);
    CHECK_STR(out, want);
    CHECK_EQ(posix_spawnp(&pid, "echo_args", NULL, NULL, argv, environ), ENOENT);

    /* An empty PATH element means the current directory. */
    char runme[PATH_MAX + 64];
    snprintf(runme, sizeof runme, "%s/runme", dir);
    fd = open(runme, O_CREAT | O_WRONLY, 0755);
    CHECK(fd >= 0);
    write_all(fd, "#!" TVMTEST_DIR "echo_args\n", strlen("#!" TVMTEST_DIR "echo_args\n"));
    close(fd);
    CHECK_OK(chdir(dir));
    CHECK_OK(setenv("PATH", "/nonexistent::/usr/bin", 1));
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    char *rargv[] = { "runme", "x", NULL };
    CHECK_EQ(posix_spawnp(&pid, "runme", &fa, NULL, rargv, environ), 0);
    close(p[1]);
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "argc=3\n0:" TVMTEST_DIR "echo_args\n1:runme\n2:x\n");
    CHECK_OK(chdir("/"));
    unlink(runme);
    unlink(decoy);
    rmdir(dir);
    return 0;
}
