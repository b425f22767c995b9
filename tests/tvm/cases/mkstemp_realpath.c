/* mkstemp, mkostemp, mkstemps and mkdtemp create unique files relative to
 * the cwd; realpath resolves relative to the cwd too. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char root[PATH_MAX];
    tmp_path(root, sizeof root, "tvm-mktemp-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    CHECK(strstr(root, "XXXXXX") == NULL);
    char real[4096];
    CHECK(realpath(root, real) != NULL);
    CHECK_OK(chdir(root));

    char t1[] = "fileXXXXXX";
    int fd = mkstemp(t1);
    CHECK(fd >= 0);
    CHECK(strcmp(t1, "fileXXXXXX") != 0);
    struct stat st;
    CHECK_OK(stat(t1, &st));
    CHECK_EQ(st.st_mode & 0777, 0600);
    close(fd);
    char t2[] = "fileXXXXXX";
    fd = mkostemp(t2, O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK(strcmp(t1, t2) != 0);
    close(fd);
    char t3[] = "dataXXXXXX.txt";
    fd = mkstemps(t3, 4);
    CHECK(fd >= 0);
    CHECK(strcmp(t3 + 10, ".txt") == 0);
    close(fd);
    char t4[] = "dXXXXXX";
    CHECK(mkdtemp(t4) == t4);
    CHECK_OK(stat(t4, &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0700);

    char out[4096], want[4200];
    CHECK(realpath(".", out) == out);
    CHECK_STR(out, real);
    snprintf(want, sizeof want, "%s/%s", real, t1);
    CHECK_OK(symlink(t1, "link"));
    CHECK(realpath("link", out) != NULL);
    CHECK_STR(out, want);
    char *dyn = realpath("./link", NULL);
    CHECK(dyn != NULL);
    CHECK_STR(dyn, want);
    free(dyn);
    CHECK(realpath("missing", out) == NULL && errno == ENOENT);
    CHECK(realpath(TVMTEST_DIR "echo_args", out) != NULL);
    CHECK_STR(out, TVMTEST_DIR "echo_args");

    unlink("link");
    unlink(t1);
    unlink(t2);
    unlink(t3);
    rmdir(t4);
    CHECK_OK(chdir("/"));
    rmdir(real);
    return 0;
}
