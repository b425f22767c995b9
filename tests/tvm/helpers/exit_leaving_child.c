/* exit_leaving_child: leaves a child blocked forever (it holds both ends of
 * its stdin pipe) and exits 3. */
#include "tvmtest.h"

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    /* The child inherits the write end too, so its read never ends. */
    spawn_helper(&fa, "wait_eof", NULL);
    return 3;
}
