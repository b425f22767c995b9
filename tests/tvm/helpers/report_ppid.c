/* report_ppid: prints its parent pid, waits for end-of-file on stdin,
 * prints its parent pid again. */
#include "tvmtest.h"

int main(void)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%d ", (int)getppid());
    write_all(1, line, (size_t)n);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0)
        ;
    n = snprintf(line, sizeof line, "%d\n", (int)getppid());
    write_all(1, line, (size_t)n);
    return 0;
}
