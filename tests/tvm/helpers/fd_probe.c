/* fd_probe FD...: prints "FD=closed", "FD=open" (unseekable) or
 * "FD=open@OFFSET" for each descriptor, space-separated. */
#include "tvmtest.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int fd = atoi(argv[i]);
        const char *sep = i + 1 < argc ? " " : "\n";
        if (!fd_is_open(fd)) {
            dprintf(1, "%d=closed%s", fd, sep);
            continue;
        }
        off_t off = lseek(fd, 0, SEEK_CUR);
        if (off < 0)
            dprintf(1, "%d=open%s", fd, sep);
        else
            dprintf(1, "%d=open@%ld%s", fd, (long)off, sep);
    }
    return 0;
}
