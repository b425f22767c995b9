/* Inside forkless, what reads as executable is what forkless can exec: a
 * host binary (and a #! script whose interpreter is one) fails access(X_OK)
 * with EACCES, shows no execute bits to stat, and exec gives EACCES, as
 * for a file without execute permission; so PATH searches pass it by.
 * Registered programs, scripts run by them and text files without #!
 * (which shells run themselves) stay executable. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

static void make_file(const char *path, const char *content, size_t len, mode_t mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    write_all(fd, content, len);
    close(fd);
    CHECK_OK(chmod(path, mode));
}

static int exec_bits(const char *path)
{
    struct stat st;
    CHECK_OK(stat(path, &st));
    return st.st_mode & 0111;
}

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-hostbin-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char bin[PATH_MAX + 64], script[PATH_MAX + 64], good[PATH_MAX + 64], text[PATH_MAX + 64];
    snprintf(bin, sizeof bin, "%s/hostprog", dir);
    snprintf(script, sizeof script, "%s/byhost", dir);
    snprintf(good, sizeof good, "%s/bysh", dir);
    snprintf(text, sizeof text, "%s/plain", dir);
    make_file(bin, "\177ELF\2\1\1\0\0\0\0\0", 12, 0755);
    char line[PATH_MAX + 80];
    int n = snprintf(line, sizeof line, "#!%s -x\necho no\n", bin);
    make_file(script, line, (size_t)n, 0755);
    make_file(good, "#!/bin/sh\necho yes\n", 19, 0755);
    make_file(text, "echo text\n", 10, 0755);

    /* The host binary and the script it would run. */
    CHECK_ERR(access(bin, X_OK), EACCES);
    CHECK_OK(access(bin, R_OK));
    CHECK_ERR(faccessat(AT_FDCWD, bin, X_OK, 0), EACCES);
    CHECK_EQ(exec_bits(bin), 0);
    CHECK_ERR(access(script, X_OK), EACCES);
    CHECK_EQ(exec_bits(script), 0);
    char *argv[] = { "x", NULL };
    CHECK_ERR(execv(bin, argv), EACCES);
    CHECK_ERR(execv(script, argv), EACCES);

    /* Relative to a directory descriptor, too. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_ERR(faccessat(dfd, "hostprog", X_OK, 0), EACCES);
    CHECK_OK(faccessat(dfd, "bysh", X_OK, 0));
    struct stat st;
    CHECK_OK(fstatat(dfd, "hostprog", &st, 0));
    CHECK_EQ(st.st_mode & 0111, 0);
    close(dfd);

    /* What forkless runs stays executable. */
    CHECK_OK(access(good, X_OK));
    CHECK_EQ(exec_bits(good), 0111);
    CHECK_OK(access(text, X_OK));
    CHECK_EQ(exec_bits(text), 0111);
    CHECK_OK(access("/bin/sh", X_OK));
    CHECK(exec_bits("/bin/sh") != 0);

    /* A PATH search passes the host binary by: execvp finds the script
     * of the same name in a later directory. */
    char dir2[PATH_MAX];
    tmp_path(dir2, sizeof dir2, "tvm-hostbin2-XXXXXX");
    CHECK(mkdtemp(dir2) != NULL);
    char later[PATH_MAX + 64];
    snprintf(later, sizeof later, "%s/hostprog", dir2);
    const char *exits7 = "#!" TVMTEST_DIR "exit_with 7\n";
    make_file(later, exits7, strlen(exits7), 0755);
    char pathvar[2 * PATH_MAX + 16];
    snprintf(pathvar, sizeof pathvar, "%s:%s", dir, dir2);
    CHECK_OK(setenv("PATH", pathvar, 1));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char *pargv[] = { "hostprog", NULL };
        execvp("hostprog", pargv);
        _exit(100 + errno);
    }
    CHECK_EQ(wait_exit(pid), 7);

    unlink(later);
    rmdir(dir2);
    unlink(bin);
    unlink(script);
    unlink(good);
    unlink(text);
    rmdir(dir);
    return 0;
}
