/* readv/writev, pread/pwrite (which leave the offset alone), preadv/pwritev,
 * lseek whence values, and a large writev through a pipe to another task. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/uio.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-io-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    unlink(path);
    struct iovec w[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
    CHECK_EQ(writev(fd, w, 3), 8);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    CHECK_EQ(lseek(fd, 0, SEEK_END), 8);
    CHECK_EQ(lseek(fd, -2, SEEK_END), 6);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    char x[4], y[8];
    struct iovec r[2] = { { x, 4 }, { y, 8 } };
    CHECK_EQ(readv(fd, r, 2), 8);
    CHECK(memcmp(x, "abcd", 4) == 0 && memcmp(y, "efgh", 4) == 0);

    CHECK_EQ(pwrite(fd, "XY", 2, 1), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    char b[8] = { 0 };
    CHECK_EQ(pread(fd, b, 4, 0), 4);
    CHECK(memcmp(b, "aXYd", 4) == 0);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
    struct iovec pv[1] = { { "Z", 1 } };
    CHECK_EQ(pwritev(fd, pv, 1, 7), 1);
    struct iovec pr[1] = { { b, 8 } };
    CHECK_EQ(preadv(fd, pr, 1, 0), 8);
    CHECK(memcmp(b, "aXYdefgZ", 8) == 0);
    CHECK_EQ(pread(fd, b, 8, 100), 0);

    /* 256 KiB of writev through a pipe to a counting task. */
    int a[2], c[2];
    CHECK_OK(pipe(a));
    CHECK_OK(pipe(c));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, a[0], 0);
    posix_spawn_file_actions_adddup2(&fa, c[1], 1);
    for (int i = 3; i < 9; i++)
        posix_spawn_file_actions_addclose(&fa, i);
    pid_t pid = spawn_helper(&fa, "count_bytes", "p", NULL);
    close(a[0]);
    close(c[1]);
    static char big1[131072], big2[131072];
    memset(big1, 'p', sizeof big1);
    memset(big2, 'q', sizeof big2);
    struct iovec bw[2] = { { big1, sizeof big1 }, { big2, sizeof big2 } };
    /* The reader drains concurrently; writev blocks until all is written. */
    CHECK_EQ(writev(a[1], bw, 2), (ssize_t)(sizeof big1 + sizeof big2));
    close(a[1]);
    char report[64];
    read_all(c[0], report, sizeof report);
    CHECK_STR(report, "262144 131072\n");
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
