/* umask_creator DIR: sets umask 077, creates DIR/child_file (0666) and
 * DIR/child_dir (0777), prints the umask it replaced. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    mode_t old = umask(077);
    char p[4096];
    snprintf(p, sizeof p, "%s/child_file", argv[1]);
    int fd = open(p, O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    close(fd);
    snprintf(p, sizeof p, "%s/child_dir", argv[1]);
    CHECK_OK(mkdir(p, 0777));
    dprintf(1, "%03o\n", (unsigned)old);
    return 0;
}
