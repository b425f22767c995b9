/* popen in read and write modes, pclose's wait status, and popen's
 * errors; the child runs /bin/sh -c COMMAND. */
#include "tvmtest.h"

int main(void)
{
    char line[64];
    FILE *f = popen("echo hello from sh", "r");
    CHECK(f != NULL);
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK_STR(line, "hello from sh\n");
    CHECK(fgets(line, sizeof line, f) == NULL);
    CHECK(feof(f));
    CHECK_EQ(pclose(f), 0);

    f = popen("exit 3", "r");
    CHECK(f != NULL);
    int st = pclose(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);

    f = popen("kill -15 $$", "re");
    CHECK(f != NULL);
    CHECK_EQ(fcntl(fileno(f), F_GETFD), FD_CLOEXEC);
    st = pclose(f);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

    /* Write mode: the command reads what we write. */
    char dir[PATH_MAX], path[PATH_MAX + 64], cmd[2 * PATH_MAX];
    scratch_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/out", dir);
    snprintf(cmd, sizeof cmd, TVMTEST_DIR "cat_stdin >%s", path);
    f = popen(cmd, "w");
    CHECK(f != NULL);
    CHECK_EQ(fcntl(fileno(f), F_GETFD), 0);
    fprintf(f, "line %d\n", 1);
    fputs("line 2\n", f);
    CHECK_EQ(pclose(f), 0);
    int fd = open(path, O_RDONLY);
    char got[64];
    read_all(fd, got, sizeof got);
    close(fd);
    CHECK_STR(got, "line 1\nline 2\n");
    unlink(path);
    rmdir(dir);

    /* A second popen's child does not hold the first one's pipe: the
     * first reader sees end-of-file as soon as its command ends. */
    FILE *a = popen(TVMTEST_DIR "cat_stdin", "w");
    FILE *b = popen("echo second", "r");
    CHECK(a != NULL && b != NULL);
    CHECK(fgets(line, sizeof line, b) != NULL);
    CHECK_STR(line, "second\n");
    CHECK_EQ(pclose(b), 0);
    CHECK_EQ(pclose(a), 0);

    errno = 0;
    CHECK(popen("echo x", "rw") == NULL);
    CHECK_EQ(errno, EINVAL);
    CHECK(popen("echo x", "") == NULL);
    CHECK_EQ(errno, EINVAL);
    /* A command the shell cannot find: exit status 127. */
    f = popen("/no/such/program", "r");
    CHECK(f != NULL);
    st = pclose(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);
    return 0;
}
