/* The memory devices and the descriptor links: /dev/null (end of file,
 * writes vanish), /dev/zero, /dev/full (ENOSPC), /dev/urandom and
 * /dev/random, their nodes (character devices 1:3, 1:5, 1:7, 1:9, 1:8),
 * lseek answering 0, /dev/fd/N and /dev/stdin reopening a descriptor, and
 * readlink of the links. Also run natively. */
#include "tvmtest.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void node(const char *path, unsigned major_no, unsigned minor_no)
{
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), major_no);
    CHECK_EQ(minor(st.st_rdev), minor_no);
    CHECK_EQ(access(path, R_OK | W_OK), 0);
}

int main(void)
{
    char buf[64];
    node("/dev/null", 1, 3);
    node("/dev/zero", 1, 5);
    node("/dev/full", 1, 7);
    node("/dev/random", 1, 8);
    node("/dev/urandom", 1, 9);

    int fd = open("/dev/null", O_RDWR);
    CHECK(fd >= 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 0);
    CHECK_EQ(write(fd, "gone", 4), 4);
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 0);
    close(fd);
    fd = open("/dev/null", O_RDONLY);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(read(fd, buf, 16), 16);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(buf[i], 0);
    close(fd);

    fd = open("/dev/full", O_RDWR);
    CHECK_EQ(read(fd, buf, 8), 8);
    CHECK_ERR(write(fd, "x", 1), ENOSPC);
    CHECK_ERR(write(fd, "", 0), ENOSPC);
    close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    char a[32], b[32];
    CHECK_EQ(read(fd, a, sizeof a), 32);
    CHECK_EQ(read(fd, b, sizeof b), 32);
    CHECK(memcmp(a, b, sizeof a) != 0);
    close(fd);

    /* /dev/fd/N opens what N refers to anew: a file, with its own offset. */
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "devfd");
    int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(f >= 0);
    write_all(f, "0123456789", 10);
    char link[32];
    snprintf(link, sizeof link, "/dev/fd/%d", f);
    int g = open(link, O_RDONLY);
    CHECK(g >= 0);
    CHECK_EQ(read(g, buf, 4), 4);
    CHECK(memcmp(buf, "0123", 4) == 0);
    CHECK_EQ(lseek(f, 0, SEEK_CUR), 10);
    close(g);
    CHECK_ERR(open("/dev/fd/999", O_RDONLY), ENOENT);
    /* A pipe through /dev/fd: the same pipe. */
    int p[2];
    CHECK_OK(pipe(p));
    snprintf(link, sizeof link, "/dev/fd/%d", p[1]);
    g = open(link, O_WRONLY);
    CHECK(g >= 0);
    write_all(g, "via", 3);
    CHECK_EQ(read(p[0], buf, sizeof buf), 3);
    close(g);

    struct stat st;
    CHECK_OK(lstat("/dev/stdin", &st));
    CHECK(S_ISLNK(st.st_mode));
    ssize_t n = readlink("/dev/stdin", buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = '\0';
    CHECK_STR(buf, "/proc/self/fd/0");
    n = readlink("/dev/fd", buf, sizeof buf - 1);
    CHECK(n > 0);
    buf[n] = '\0';
    CHECK_STR(buf, "/proc/self/fd");
    CHECK_ERR(readlink("/dev/null", buf, sizeof buf), EINVAL);
    CHECK_OK(dup2(f, 0));
    CHECK_OK(stat("/dev/stdin", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 10);
    close(f);
    unlink(path);
    return 0;
}
