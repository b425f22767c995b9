/* execve fails with the errno Unix gives, and the caller carries on. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

static void make_file(const char *path, const char *content, mode_t mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    write_all(fd, content, strlen(content));
    close(fd);
    CHECK_OK(chmod(path, mode));
}

int main(void)
{
    char *argv[] = { "x", NULL };
    char *envp[] = { NULL };
    CHECK_ERR(execve("/nonexistent/prog", argv, envp), ENOENT);
    CHECK_ERR(execve("", argv, envp), ENOENT);
    CHECK_ERR(execve(TVMTEST_DIR "echo_args/sub", argv, envp), ENOTDIR);
    CHECK_ERR(execve("/etc/passwd/sub", argv, envp), ENOTDIR);
    CHECK_ERR(execve("/", argv, envp), EACCES);

    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-exec-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/plain", dir);
    make_file(path, "echo hi\n", 0644);
    CHECK_ERR(execve(path, argv, envp), EACCES);
    CHECK_ERR(execv(path, argv), EACCES);
    make_file(path, "echo hi\n", 0755);
    CHECK_ERR(execve(path, argv, envp), ENOEXEC);
    make_file(path, "\177ELF\2\1\1", 0755);
    CHECK_ERR(execve(path, argv, envp), EACCES); /* a host binary */
    make_file(path, "#!/no/such/interpreter\n", 0755);
    CHECK_ERR(execve(path, argv, envp), ENOENT);
    make_file(path, "#!\n", 0755);
    CHECK_ERR(execve(path, argv, envp), ENOEXEC);
    unlink(path);
    rmdir(dir);

    /* Too much argument data. */
    size_t big = 200 * 1024;
    char *huge = malloc(big);
    CHECK(huge != NULL);
    memset(huge, 'a', big - 1);
    huge[big - 1] = '\0';
    char *hargv[] = { "x", huge, NULL };
    CHECK_ERR(execve(TVMTEST_DIR "echo_args", hargv, envp), E2BIG);
    huge[100 * 1024] = '\0';
    char *many[40];
    many[0] = "x";
    for (int i = 1; i < 39; i++)
        many[i] = huge;
    many[39] = NULL;
    CHECK_ERR(execve(TVMTEST_DIR "echo_args", many, envp), E2BIG);
    free(huge);

    char longpath[5000];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    CHECK_ERR(execve(longpath, argv, envp), ENAMETOOLONG);

    CHECK_ERR(execvp("tvm-no-such-command", argv), ENOENT);
    CHECK_ERR(execlp("", "x", (char *)NULL), ENOENT);
    return 0;
}
