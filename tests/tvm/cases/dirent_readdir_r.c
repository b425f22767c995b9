/* readdir_r and readdir64_r: the entries readdir gives, copied to the
 * caller's struct; 0 and a NULL result at the end; an error number (not
 * -1) for a failed read. */
#include "tvmtest.h"

#include <dirent.h>

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    const char *names[] = { "alpha", "a-name-that-is-rather-longer-than-the-others", "c" };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }

    /* The same sequence as readdir. */
    char seq[8][64];
    int n = 0;
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        CHECK(n < 8);
        snprintf(seq[n++], sizeof seq[0], "%s", e->d_name);
    }
    CHECK_EQ(n, 5);

    rewinddir(d);
    struct dirent ent, *res;
    for (int i = 0; i < n; i++) {
        memset(&ent, 0x55, sizeof ent);
        CHECK_EQ(readdir_r(d, &ent, &res), 0);
        CHECK(res == &ent);
        CHECK_STR(ent.d_name, seq[i]);
        CHECK(ent.d_reclen >= __builtin_offsetof(struct dirent, d_name) + strlen(ent.d_name) + 1);
        CHECK(ent.d_reclen <= sizeof ent);
        CHECK_EQ(telldir(d), ent.d_off);
    }
    res = &ent;
    CHECK_EQ(readdir_r(d, &ent, &res), 0);
    CHECK(res == NULL);
    CHECK_EQ(readdir_r(d, &ent, &res), 0);
    CHECK(res == NULL);

    /* readdir64_r, interleaved with readdir on the same stream. */
    rewinddir(d);
    struct dirent64 ent64, *res64;
    CHECK_EQ(readdir64_r(d, &ent64, &res64), 0);
    CHECK(res64 == &ent64);
    CHECK_STR(ent64.d_name, seq[0]);
    CHECK_STR(readdir(d)->d_name, seq[1]);
    CHECK_EQ(readdir64_r(d, &ent64, &res64), 0);
    CHECK_STR(ent64.d_name, seq[2]);
    CHECK_EQ(closedir(d), 0);

    /* A failed read returns the error number; errno is not the channel. */
    d = opendir(dir);
    CHECK(d != NULL);
    CHECK_OK(close(dirfd(d)));
    res = &ent;
    CHECK_EQ(readdir_r(d, &ent, &res), EBADF);
    CHECK(res == NULL);
    errno = 0;
    CHECK_EQ(closedir(d), -1);
    CHECK_EQ(errno, EBADF);

    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
