/* spawn_orphan: starts report_ppid (sharing stdio) and exits at once,
 * leaving it an orphan. Prints the child's pid on stderr's sibling fd 3. */
#include "tvmtest.h"

int main(void)
{
    pid_t pid = spawn_helper(NULL, "report_ppid", NULL);
    dprintf(3, "%d\n", (int)pid);
    return 0;
}
