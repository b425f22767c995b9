/* umask is per task and applies to everything that creates a file. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-umask-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    mode_t first = umask(022);
    CHECK_EQ(umask(022), 022);
    (void)first;
    char out[64];
    CHECK_EQ(capture_helper(out, sizeof out, "umask_creator", dir, NULL), 0);
    CHECK_STR(out, "022\n");
    CHECK_EQ(umask(022), 022);

    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/child_file", dir);
    CHECK_OK(stat(p, &st));
    CHECK_EQ(st.st_mode & 0777, 0600);
    unlink(p);
    snprintf(p, sizeof p, "%s/child_dir", dir);
    CHECK_OK(stat(p, &st));
    CHECK_EQ(st.st_mode & 0777, 0700);
    rmdir(p);

    snprintf(p, sizeof p, "%s/parent_file", dir);
    int fd = open(p, O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(stat(p, &st));
    CHECK_EQ(st.st_mode & 0777, 0644);
    unlink(p);

    umask(0);
    fd = creat(p, 0666);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(stat(p, &st));
    CHECK_EQ(st.st_mode & 0777, 0666);
    unlink(p);
    CHECK_EQ(umask(0777 | 01000), 0);
    CHECK_EQ(umask(022), 0777);
    rmdir(dir);
    return 0;
}
