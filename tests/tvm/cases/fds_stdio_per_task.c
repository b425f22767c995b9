/* Each task has its own fds 0, 1, 2: a child's redirected stdio does not
 * touch the parent's. */
#include "tvmtest.h"
#include <sys/stat.h>

int main(void)
{
    struct stat before, after;
    CHECK_OK(fstat(1, &before));
    int in[2], out[2];
    CHECK_OK(pipe(in));
    CHECK_OK(pipe(out));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, out[1], 2);
    for (int fd = 3; fd < 8; fd++)
        posix_spawn_file_actions_addclose(&fa, fd);
    pid_t pid = spawn_helper(&fa, "cat_stdin", NULL);
    close(in[0]);
    close(out[1]);
    write_all(in[1], "hello, task", 11);
    close(in[1]);
    char buf[64];
    read_all(out[0], buf, sizeof buf);
    CHECK_STR(buf, "hello, task");
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_OK(fstat(1, &after));
    CHECK_EQ(before.st_ino, after.st_ino);
    CHECK_EQ(before.st_dev, after.st_dev);
    CHECK(fd_is_open(0) && fd_is_open(1) && fd_is_open(2));
    return 0;
}
