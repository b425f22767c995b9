/* report_ppid: prints its parent pid, tells whoever holds fd 4 (if open)
 * that it did, waits for end-of-file on stdin, prints its parent pid again. */
#include "tvmtest.h"

int main(void)
{
    char line[64];
    int n = snprintf(line, sizeof line, "%d ", (int)getppid());
    write_all(1, line, (size_t)n);
    if (fd_is_open(4)) {
        write_all(4, "x", 1);
        close(4);
    }
    char buf[64];
    while (read(0, buf, sizeof buf) > 0)
        ;
    n = snprintf(line, sizeof line, "%d\n", (int)getppid());
    write_all(1, line, (size_t)n);
    return 0;
}
