/* telldir, seekdir, rewinddir: telldir is 0 at the start and then the
 * position after the entry last returned; seekdir to such a value makes
 * the next readdir return the entry that followed it; rewinddir starts
 * over (telldir 0 again). The positions are the descriptor's: seekdir and
 * rewinddir move it, as lseek would. */
#include "tvmtest.h"

#include <dirent.h>

#define N 40

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "%s/f%02d", dir, i);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    CHECK_EQ(telldir(d), 0);

    char names[N + 2][16];
    long pos[N + 2];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        CHECK(n < N + 2);
        snprintf(names[n], sizeof names[n], "%s", e->d_name);
        pos[n] = telldir(d);
        /* The cookie is the entry's d_off. */
        CHECK_EQ(pos[n], e->d_off);
        n++;
    }
    CHECK_EQ(n, N + 2);

    /* Back to after entry k: the next is entry k + 1. */
    int ks[] = { 0, 7, 20, N - 1, 3 };
    for (unsigned j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        int k = ks[j];
        seekdir(d, pos[k]);
        CHECK_EQ(telldir(d), pos[k]);
        e = readdir(d);
        CHECK(e != NULL);
        CHECK_STR(e->d_name, names[k + 1]);
        CHECK_EQ(telldir(d), pos[k + 1]);
        /* And the rest in order. */
        for (int i = k + 2; i < n; i++) {
            e = readdir(d);
            CHECK(e != NULL);
            CHECK_STR(e->d_name, names[i]);
        }
        CHECK(readdir(d) == NULL);
    }

    /* Seeking to the last position: at the end. */
    seekdir(d, pos[n - 1]);
    CHECK(readdir(d) == NULL);

    /* rewinddir: from the first entry again, telldir 0. */
    rewinddir(d);
    CHECK_EQ(telldir(d), 0);
    for (int i = 0; i < n; i++) {
        e = readdir(d);
        CHECK(e != NULL);
        CHECK_STR(e->d_name, names[i]);
    }
    CHECK(readdir(d) == NULL);

    /* seekdir(0) is rewinddir. */
    seekdir(d, 0);
    CHECK_STR(readdir(d)->d_name, names[0]);

    /* The stream reads its descriptor: moving the descriptor (here back to
     * the start) shows once the buffered entries are used up, and seekdir
     * moves the descriptor. */
    seekdir(d, pos[5]);
    CHECK_EQ(lseek(dirfd(d), 0, SEEK_CUR), pos[5]);
    rewinddir(d);
    CHECK_EQ(lseek(dirfd(d), 0, SEEK_CUR), 0);
    CHECK_STR(readdir(d)->d_name, names[0]);
    CHECK_EQ(closedir(d), 0);

    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "%s/f%02d", dir, i);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
