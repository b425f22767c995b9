/* pipe(): lowest free descriptors, data in order, short reads of what is
 * there, end-of-file after the writer closes, EPIPE with no reader. */
#include "tvmtest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_EQ(p[0], 3);
    CHECK_EQ(p[1], 4);
    struct stat st;
    CHECK_OK(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    CHECK_EQ(write(p[1], "abc", 3), 3);
    CHECK_EQ(write(p[1], "defg", 4), 4);
    char buf[16];
    CHECK_EQ(read(p[0], buf, 2), 2);
    CHECK(memcmp(buf, "ab", 2) == 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "cdefg", 5) == 0);
    CHECK_EQ(write(p[1], "", 0), 0);
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    close(p[1]);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    CHECK_EQ(read(p[0], buf, sizeof buf), 0);
    close(p[0]);

    /* With SIGPIPE ignored, the write fails with EPIPE (by default the
     * writer dies of SIGPIPE: see signal_sigpipe). */
    CHECK_OK(pipe(p));
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    close(p[1]);
    return 0;
}
