/* idle_blocked: starts tasks blocked in read, poll, select, accept and
 * waitpid, prints "ready", then blocks in waitpid itself. Used from outside
 * to check that blocked tasks use no CPU. */
#include "tvmtest.h"

int main(void)
{
    const char *calls[] = { "read", "poll", "select", "accept", "waitpid" };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        spawn_helper(NULL, "block_in", calls[i], NULL);
    write_all(1, "ready\n", 6);
    wait_status(-1);
    return 1;
}
