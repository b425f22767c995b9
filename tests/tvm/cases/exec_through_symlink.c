/* exec follows symbolic links to the program they name, as on any Unix:
 * a link to a program (directly, through a relative link, or through a
 * chain of them) runs that program with the argv given, reads as
 * executable to access(X_OK) and stat, and is found by a PATH search.
 * toybox's ps test runs `sleep` through a link named xiphoid. */
#include "tvmtest.h"
#include <spawn.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-execlink-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char direct[PATH_MAX + 64], chained[PATH_MAX + 64];
    snprintf(direct, sizeof direct, "%s/nap", dir);
    snprintf(chained, sizeof chained, "%s/doze", dir);
    CHECK_OK(symlink(TVMTEST_DIR "echo_args", direct));
    CHECK_OK(symlink("nap", chained));

    char out[512];
    char *argv[] = { "doze", "one", NULL };
    CHECK_EQ(capture_spawn(out, sizeof out, NULL, chained, argv, environ, NULL), 0);
    CHECK_STR(out, "argc=2\n0:doze\n1:one\n");

    CHECK_OK(access(direct, X_OK));
    CHECK_OK(access(chained, X_OK));
    struct stat st;
    CHECK_OK(stat(chained, &st));
    CHECK_EQ(st.st_mode & 0111, 0111);
    CHECK_OK(lstat(chained, &st));
    CHECK(S_ISLNK(st.st_mode));

    /* A PATH search finds the link by its own name. */
    CHECK_OK(setenv("PATH", dir, 1));
    char *pargv[] = { "nap", "two", NULL };
    pid_t pid;
    int p[2];
    CHECK_OK(pipe(p));
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execvp("nap", pargv);
        _exit(100 + errno);
    }
    close(p[1]);
    memset(out, 0, sizeof out);
    read_all(p[0], out, sizeof out);
    close(p[0]);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "argc=2\n0:nap\n1:two\n");

    /* A dangling link is not there, as natively. */
    char dangling[PATH_MAX + 64];
    snprintf(dangling, sizeof dangling, "%s/gone", dir);
    CHECK_OK(symlink("nowhere", dangling));
    char *gargv[] = { "gone", NULL };
    CHECK_ERR(execv(dangling, gargv), ENOENT);
    CHECK_ERR(access(dangling, X_OK), ENOENT);

    unlink(dangling);
    unlink(chained);
    unlink(direct);
    rmdir(dir);
    return 0;
}
