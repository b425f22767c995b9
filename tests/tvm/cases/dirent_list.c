/* Listing a directory: every name once, "." and ".." included, the d_type
 * of each kind of file, NULL at the end with errno unchanged (also after
 * the end, and through readdir64), a path relative to the task's cwd, and
 * the descriptor glibc's opendir makes (close-on-exec, O_NONBLOCK). */
#include "tvmtest.h"

#include <dirent.h>
#include <sys/stat.h>

struct want {
    const char *name;
    unsigned char type;
    int seen;
};

static void expect_all(DIR *d, struct want *w, int n)
{
    for (int i = 0; i < n; i++)
        w[i].seen = 0;
    struct dirent *e;
    int count = 0;
    errno = EINPROGRESS;
    while ((e = readdir(d)) != NULL) {
        count++;
        int found = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(e->d_name, w[i].name) == 0) {
                CHECK_EQ(w[i].seen, 0);
                w[i].seen = 1;
                CHECK_EQ(e->d_type, w[i].type);
                CHECK(e->d_ino != 0);
                CHECK(e->d_reclen >= __builtin_offsetof(struct dirent, d_name) + strlen(e->d_name) + 1);
                found = 1;
            }
        }
        if (!found)
            FAIL("unexpected entry %s", e->d_name);
    }
    /* End of directory: NULL, errno as it was. */
    CHECK_EQ(errno, EINPROGRESS);
    CHECK_EQ(count, n);
    for (int i = 0; i < n; i++)
        CHECK(w[i].seen);
    /* And again. */
    CHECK(readdir(d) == NULL);
    CHECK_EQ(errno, EINPROGRESS);
}

int main(void)
{
    char dir[PATH_MAX];
    scratch_dir(dir, sizeof dir);
    CHECK_OK(chdir(dir));
    close(open("file", O_CREAT | O_WRONLY, 0600));
    CHECK_OK(mkdir("sub", 0700));
    CHECK_OK(symlink("file", "link"));
    CHECK_OK(mkfifo("fifo", 0600));
    close(open("sub/inner", O_CREAT | O_WRONLY, 0600));

    struct want w[] = {
        { ".", DT_DIR, 0 },   { "..", DT_DIR, 0 },   { "file", DT_REG, 0 },
        { "sub", DT_DIR, 0 }, { "link", DT_LNK, 0 }, { "fifo", DT_FIFO, 0 },
    };
    int n = sizeof w / sizeof w[0];

    DIR *d = opendir(dir);
    CHECK(d != NULL);
    expect_all(d, w, n);
    int fd = dirfd(d);
    CHECK(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    CHECK_EQ(closedir(d), 0);
    CHECK(!fd_is_open(fd));

    /* "." is the task's cwd; a relative path is resolved from it. */
    d = opendir(".");
    CHECK(d != NULL);
    expect_all(d, w, n);
    CHECK_EQ(closedir(d), 0);
    d = opendir("sub");
    CHECK(d != NULL);
    struct want inner[] = { { ".", DT_DIR, 0 }, { "..", DT_DIR, 0 }, { "inner", DT_REG, 0 } };
    expect_all(d, inner, 3);
    CHECK_EQ(closedir(d), 0);

    /* readdir64 walks the same stream. */
    d = opendir(".");
    CHECK(d != NULL);
    int count = 0;
    struct dirent64 *e64;
    while ((e64 = readdir64(d)) != NULL)
        count++;
    CHECK_EQ(count, n);
    CHECK_EQ(closedir(d), 0);

    /* Several streams at once are independent. */
    DIR *a = opendir(".");
    DIR *b = opendir(".");
    CHECK(a != NULL && b != NULL && a != b);
    CHECK(dirfd(a) != dirfd(b));
    struct dirent *ea = readdir(a);
    CHECK(ea != NULL);
    char first[256];
    strcpy(first, ea->d_name);
    expect_all(b, w, n);
    CHECK(readdir(a) != NULL);
    rewinddir(a);
    CHECK_STR(readdir(a)->d_name, first);
    CHECK_EQ(closedir(a), 0);
    CHECK_EQ(closedir(b), 0);

    CHECK_OK(unlink("sub/inner"));
    CHECK_OK(rmdir("sub"));
    CHECK_OK(unlink("file"));
    CHECK_OK(unlink("link"));
    CHECK_OK(unlink("fifo"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
