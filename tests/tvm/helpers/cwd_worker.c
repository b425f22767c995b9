/* cwd_worker DIR ID: repeatedly enters DIR, checks getcwd and that the
 * relative file "marker" holds ID, then goes back to /. */
#include "tvmtest.h"
#include <fcntl.h>

int main(int argc, char **argv)
{
    CHECK(argc == 3);
    char cwd[4096], buf[64];
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(chdir(argv[1]));
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        CHECK_STR(cwd, argv[1]);
        int fd = open("marker", O_RDONLY);
        CHECK(fd >= 0);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        CHECK(n > 0);
        buf[n] = '\0';
        CHECK_STR(buf, argv[2]);
        close(fd);
        CHECK_OK(chdir("/"));
        CHECK(getcwd(cwd, sizeof cwd) != NULL);
        CHECK_STR(cwd, "/");
    }
    return 0;
}
