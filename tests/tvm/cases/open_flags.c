/* open flags: O_CREAT/O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, creat,
 * directories, FIFOs with O_NONBLOCK, and their errors. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-open-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    int fd = creat("f", 0644);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    write_all(fd, "hello", 5);
    close(fd);
    CHECK_ERR(open("f", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    fd = open("f", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
    write_all(fd, "!", 1);
    close(fd);
    struct stat st;
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_size, 6);
    fd = open("f", O_RDWR | O_TRUNC);
    CHECK(fd >= 0);
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 0);
    close(fd);
    CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(open(".", O_WRONLY), EISDIR);
    fd = open(".", O_RDONLY);
    CHECK(fd >= 0);
    char b;
    CHECK_ERR(read(fd, &b, 1), EISDIR);
    close(fd);

    CHECK_OK(mkfifo("fifo", 0600));
    fd = open("fifo", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 0);
    /* No writer: end-of-file, not EAGAIN. */
    CHECK_EQ(read(fd, &b, 1), 0);
    int w = open("fifo", O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    CHECK_ERR(read(fd, &b, 1), EAGAIN);
    write_all(w, "q", 1);
    CHECK_EQ(read(fd, &b, 1), 1);
    close(w);
    CHECK_EQ(read(fd, &b, 1), 0);
    close(fd);
    CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);

    CHECK_OK(unlink("fifo"));
    CHECK_OK(unlink("f"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
