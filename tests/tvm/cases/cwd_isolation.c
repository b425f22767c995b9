/* Eight tasks changing directory concurrently, a thousand times each, never
 * see each other's working directory. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char root[PATH_MAX];
    tmp_path(root, sizeof root, "tvm-cwd-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    char real[4096];
    CHECK(realpath(root, real) != NULL);
    char dirs[8][4200];
    pid_t pids[8];
    for (int i = 0; i < 8; i++) {
        snprintf(dirs[i], sizeof dirs[i], "%s/d%d", real, i);
        CHECK_OK(mkdir(dirs[i], 0755));
        char marker[4300], id[8];
        snprintf(marker, sizeof marker, "%s/marker", dirs[i]);
        snprintf(id, sizeof id, "%d", i);
        int fd = open(marker, O_CREAT | O_WRONLY, 0644);
        CHECK(fd >= 0);
        write_all(fd, id, strlen(id));
        close(fd);
    }
    for (int i = 0; i < 8; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        pids[i] = spawn_helper(NULL, "cwd_worker", dirs[i], id, NULL);
    }
    /* The parent moves around too. */
    char cwd[4096];
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(chdir(real));
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        CHECK_STR(cwd, real);
        CHECK_OK(chdir("d3"));
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        CHECK_STR(cwd, dirs[3]);
    }
    for (int i = 0; i < 8; i++)
        CHECK_EQ(wait_exit(pids[i]), 0);
    for (int i = 0; i < 8; i++) {
        char marker[4300];
        snprintf(marker, sizeof marker, "%s/marker", dirs[i]);
        unlink(marker);
        rmdir(dirs[i]);
    }
    rmdir(real);
    return 0;
}
