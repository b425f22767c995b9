/* A spawned child shares its inherited descriptions: writes through the
 * same description advance one offset for both tasks. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-offset-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    write_all(fd, "A", 1);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 1);
    CHECK_EQ(wait_exit(spawn_helper(&fa, "append_char", "B", NULL)), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    write_all(fd, "C", 1);
    CHECK_EQ(wait_exit(spawn_helper(&fa, "append_char", "D", NULL)), 0);
    char buf[16];
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 4);
    CHECK(memcmp(buf, "ABCD", 4) == 0);
    /* A separately opened description has its own offset. */
    int other = open(path, O_WRONLY);
    CHECK(other >= 0);
    write_all(other, "x", 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
    CHECK_EQ(pread(fd, buf, sizeof buf, 0), 4);
    CHECK(memcmp(buf, "xBCD", 4) == 0);
    unlink(path);
    return 0;
}
