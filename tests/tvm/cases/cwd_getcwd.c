/* getcwd buffers and errors, fchdir, chdir errors, a removed cwd. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char root[PATH_MAX];
    tmp_path(root, sizeof root, "tvm-getcwd-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    char real[4096];
    CHECK(realpath(root, real) != NULL);
    CHECK_OK(chdir(root));
    char *dyn = getcwd(NULL, 0);
    CHECK(dyn != NULL);
    CHECK_STR(dyn, real);
    free(dyn);
    dyn = getcwd(NULL, 4096);
    CHECK(dyn != NULL);
    CHECK_STR(dyn, real);
    free(dyn);
    CHECK(getcwd(NULL, 3) == NULL && errno == ERANGE);
    char small[4];
    CHECK(getcwd(small, sizeof small) == NULL && errno == ERANGE);
    dyn = get_current_dir_name();
    CHECK(dyn != NULL);
    CHECK_STR(dyn, real);
    free(dyn);

    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_OK(chdir("/"));
    CHECK_OK(fchdir(dfd));
    char cwd[4096];
    CHECK_STR(getcwd(cwd, sizeof cwd), real);
    int file = open("/dev/null", O_RDONLY);
    CHECK_ERR(fchdir(file), ENOTDIR);
    CHECK_ERR(chdir("missing"), ENOENT);
    CHECK_ERR(chdir(""), ENOENT);
    CHECK_ERR(chdir("/dev/null"), ENOTDIR);
    CHECK_STR(getcwd(cwd, sizeof cwd), real);

    /* A removed working directory. */
    CHECK_OK(mkdir("gone", 0755));
    CHECK_OK(chdir("gone"));
    char gone[4200];
    snprintf(gone, sizeof gone, "%s/gone", real);
    CHECK_OK(rmdir(gone));
    CHECK(getcwd(cwd, sizeof cwd) == NULL && errno == ENOENT);
    CHECK_OK(chdir(".."));
    CHECK_STR(getcwd(cwd, sizeof cwd), real);

    /* A child starts in its parent's cwd. */
    char out[4200], want[4200];
    CHECK_EQ(capture_helper(out, sizeof out, "print_cwd", NULL), 0);
    snprintf(want, sizeof want, "%s\n", real);
    CHECK_STR(out, want);
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(real));
    return 0;
}
