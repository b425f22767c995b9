/* A pipe reports end-of-file only when the last write end closes, including
 * a copy held by another task. */
#include "tvmtest.h"
#include <poll.h>

int main(void)
{
    int data[2], hold[2];
    CHECK_OK(pipe(data));
    CHECK_OK(pipe(hold));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, hold[0], 0);
    posix_spawn_file_actions_adddup2(&fa, data[1], 5);
    posix_spawn_file_actions_addclose(&fa, hold[1]);
    posix_spawn_file_actions_addclose(&fa, data[0]);
    pid_t pid = spawn_helper(&fa, "wait_eof", NULL);
    close(hold[0]);
    close(data[1]);

    struct pollfd pfd = { .fd = data[0], .events = POLLIN };
    CHECK_EQ(poll(&pfd, 1, 100), 0);

    close(hold[1]); /* the child exits, closing its copy of the write end */
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(poll(&pfd, 1, 5000), 1);
    CHECK(pfd.revents & POLLHUP);
    char b;
    CHECK_EQ(read(data[0], &b, 1), 0);
    return 0;
}
