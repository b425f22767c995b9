/* access and faccessat, including registered programs without host files. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-access-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(faccessat(dfd, "f", R_OK | W_OK, 0));
    CHECK_OK(faccessat(dfd, "f", F_OK, AT_EACCESS));
    CHECK_ERR(faccessat(dfd, "nope", F_OK, 0), ENOENT);
    if (geteuid() != 0)
        CHECK_ERR(faccessat(dfd, "f", X_OK, 0), EACCES);
    CHECK_OK(fchdir(dfd));
    CHECK_OK(access("f", R_OK));
    CHECK_ERR(access("f/x", F_OK), ENOTDIR);
    CHECK_ERR(access("f", 8), EINVAL);

    CHECK_OK(access(TVMTEST_DIR "echo_args", X_OK));
    CHECK_OK(access(TVMTEST_DIR "echo_args", R_OK | X_OK));
    if (geteuid() == 0)
        CHECK_OK(access(TVMTEST_DIR "echo_args", W_OK));
    else
        CHECK_ERR(access(TVMTEST_DIR "echo_args", W_OK), EACCES);
    CHECK_ERR(access(TVMTEST_DIR "nothing", F_OK), ENOENT);

    CHECK_OK(unlinkat(dfd, "f", 0));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
