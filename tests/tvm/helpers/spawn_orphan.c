/* spawn_orphan: starts report_ppid (sharing stdio), waits until it has
 * reported its first parent, prints its pid on fd 3, and exits, leaving it
 * an orphan. */
#include "tvmtest.h"

int main(void)
{
    int s[2];
    CHECK_OK(pipe(s));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, s[1], 4);
    posix_spawn_file_actions_addclose(&fa, s[0]);
    pid_t pid = spawn_helper(&fa, "report_ppid", NULL);
    close(s[1]);
    char b;
    CHECK_EQ(read(s[0], &b, 1), 1);
    dprintf(3, "%d\n", (int)pid);
    return 0;
}
