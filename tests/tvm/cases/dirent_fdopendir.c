/* fdopendir and dirfd: the stream takes over the descriptor (dirfd is the
 * same number, made close-on-exec as glibc does, closed by closedir);
 * EBADF for a closed descriptor, ENOTDIR for a file; an O_PATH descriptor
 * makes a stream whose reads fail with EBADF. The stream reads from the
 * descriptor's current offset, which it shares with dups. */
#include "tvmtest.h"

#include <dirent.h>

static int count_entries(DIR *d)
{
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    return n;
}

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir, i);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }

    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    DIR *d = fdopendir(fd);
    CHECK(d != NULL);
    CHECK_EQ(dirfd(d), fd);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(count_entries(d), 7);
    CHECK_EQ(closedir(d), 0);
    CHECK(!fd_is_open(fd));

    /* A descriptor opened without O_DIRECTORY is fine too. */
    fd = open(dir, O_RDONLY);
    CHECK(fd >= 0);
    d = fdopendir(fd);
    CHECK(d != NULL);
    CHECK_EQ(count_entries(d), 7);
    /* The dup shares the offset: after the stream read everything, the
     * descriptor is at the end; rewinding the dup rewinds the stream's
     * descriptor. */
    int dup_fd = dup(fd);
    CHECK(dup_fd >= 0);
    CHECK(lseek(dup_fd, 0, SEEK_CUR) > 0);
    CHECK_EQ(lseek(dup_fd, 0, SEEK_SET), 0);
    CHECK_EQ(count_entries(d), 7);
    CHECK_EQ(closedir(d), 0);
    CHECK(!fd_is_open(fd));
    CHECK(fd_is_open(dup_fd));
    /* A stream on a descriptor whose offset is not at the start begins
     * there (here: at the end, so it is empty). */
    d = fdopendir(dup_fd);
    CHECK(d != NULL);
    CHECK_EQ(count_entries(d), 0);
    rewinddir(d);
    CHECK_EQ(count_entries(d), 7);
    CHECK_EQ(closedir(d), 0);

    /* Errors. */
    errno = 0;
    CHECK(fdopendir(-1) == NULL);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK(fdopendir(999) == NULL);
    CHECK_EQ(errno, EBADF);
    snprintf(path, sizeof path, "%s/f0", dir);
    int file = open(path, O_RDONLY);
    CHECK(file >= 0);
    errno = 0;
    CHECK(fdopendir(file) == NULL);
    CHECK_EQ(errno, ENOTDIR);
    /* The descriptor stays open and unchanged after a failure. */
    CHECK_EQ(fcntl(file, F_GETFD), 0);
    close(file);
    int wfile = open(path, O_WRONLY);
    CHECK(wfile >= 0);
    errno = 0;
    CHECK(fdopendir(wfile) == NULL);
    CHECK_EQ(errno, ENOTDIR);
    close(wfile);

    /* O_PATH: glibc accepts it; reading fails with EBADF. */
    int opath = open(dir, O_PATH);
    CHECK(opath >= 0);
    d = fdopendir(opath);
    CHECK(d != NULL);
    errno = 0;
    CHECK(readdir(d) == NULL);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(closedir(d), 0);
    CHECK(!fd_is_open(opath));

    /* dirfd of an opendir stream: a new descriptor, the lowest free. */
    int lowest = dup(0);
    CHECK(lowest >= 0);
    close(lowest);
    d = opendir(dir);
    CHECK(d != NULL);
    CHECK_EQ(dirfd(d), lowest);
    CHECK_EQ(closedir(d), 0);

    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir, i);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
