/* posix_spawn file actions: open (relative to the cwd, with the umask),
 * dup2, close, chdir; a failing action fails the spawn with no child. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-spawnfa-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    umask(027);
    posix_spawn_file_actions_t fa;
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_addopen(&fa, 1, "out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0666), 0);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, 55), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, 1, 2), 0);
    pid_t pid = spawn_helper(&fa, "echo_args", "to-file", NULL);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(posix_spawn_file_actions_destroy(&fa), 0);
    int fd = open("out.txt", O_RDONLY);
    CHECK(fd >= 0);
    char buf[256];
    read_all(fd, buf, sizeof buf);
    close(fd);
    CHECK_STR(buf, "argc=2\n0:echo_args\n1:to-file\n");
    struct stat st;
    CHECK_OK(stat("out.txt", &st));
    CHECK_EQ(st.st_mode & 0777, 0640);

    /* chdir action. */
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_addchdir_np(&fa, "/"), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
    pid = spawn_helper(&fa, "print_cwd", NULL);
    close(p[1]);
    read_all(p[0], buf, sizeof buf);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(buf, "/\n");
    posix_spawn_file_actions_destroy(&fa);

    /* Failures. */
    char *argv[] = { "echo_args", NULL };
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_addopen(&fa, 0, "missing.txt", O_RDONLY, 0), 0);
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "echo_args", &fa, NULL, argv, environ), ENOENT);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    posix_spawn_file_actions_destroy(&fa);
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, 44, 1), 0);
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "echo_args", &fa, NULL, argv, environ), EBADF);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, -1, 1), EBADF);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, -1), EBADF);
    CHECK_EQ(posix_spawn_file_actions_addopen(&fa, 1 << 24, "x", O_RDONLY, 0), EBADF);
    posix_spawn_file_actions_destroy(&fa);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, 3), EINVAL);
    CHECK_EQ(posix_spawn(&pid, "/nonexistent/program", NULL, NULL, argv, environ), ENOENT);
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);

    unlink("out.txt");
    CHECK_OK(chdir("/"));
    rmdir(dir);
    return 0;
}
