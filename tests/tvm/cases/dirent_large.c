/* A directory with more entries than one read fills (2000 names of 32-byte
 * records: more than glibc's 32 KiB buffer): every name exactly once,
 * telldir/seekdir across refills, scandir's count and order, and a fork in
 * the middle: the child reads on alone (its buffered entries, then the
 * shared offset to the end) and gets every remaining entry; the parent
 * then gets only what it had buffered, since the shared offset is at the
 * end. */
#include "tvmtest.h"

#include <dirent.h>

#define N 2000

static int index_of(const char *name)
{
    if (strcmp(name, ".") == 0)
        return N;
    if (strcmp(name, "..") == 0)
        return N + 1;
    int i;
    if (sscanf(name, "file-%05d", &i) != 1 || i < 0 || i >= N)
        FAIL("unexpected entry %s", name);
    return i;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    CHECK_OK(chdir(dir));
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "file-%05d", i);
        int fd = open(path, O_CREAT | O_WRONLY, 0600);
        CHECK(fd >= 0);
        close(fd);
    }

    static char seen[N + 2];
    static int order[N + 2];
    static long pos[N + 2];
    DIR *d = opendir(".");
    CHECK(d != NULL);
    struct dirent *e;
    int n = 0;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        int i = index_of(e->d_name);
        CHECK_EQ(seen[i], 0);
        seen[i] = 1;
        CHECK(n < N + 2);
        order[n] = i;
        pos[n] = telldir(d);
        n++;
    }
    CHECK_EQ(errno, 0);
    CHECK_EQ(n, N + 2);

    /* Seeking anywhere, across refills. */
    int ks[] = { 1500, 10, 1999, 700, 0 };
    for (unsigned j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        seekdir(d, pos[ks[j]]);
        for (int i = ks[j] + 1; i < ks[j] + 50 && i < n; i++) {
            e = readdir(d);
            CHECK(e != NULL);
            CHECK_EQ(index_of(e->d_name), order[i]);
        }
    }

    /* Fork with most of the directory still unread. */
    rewinddir(d);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(index_of(readdir(d)->d_name), order[i]);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int i = 100;
        while ((e = readdir(d)) != NULL) {
            if (i >= n || index_of(e->d_name) != order[i])
                _exit(10);
            i++;
        }
        _exit(i == n ? 0 : 11);
    }
    CHECK_EQ(wait_exit(pid), 0);
    int i = 100;
    while ((e = readdir(d)) != NULL) {
        CHECK(i < n);
        CHECK_EQ(index_of(e->d_name), order[i]);
        i++;
    }
    CHECK(i < n);
    CHECK_EQ(closedir(d), 0);

    /* scandir: all of them, sorted. */
    struct dirent **list;
    n = scandir(".", &list, NULL, alphasort);
    CHECK_EQ(n, N + 2);
    CHECK_STR(list[0]->d_name, ".");
    CHECK_STR(list[1]->d_name, "..");
    for (int k = 0; k < N; k++) {
        snprintf(path, sizeof path, "file-%05d", k);
        CHECK_STR(list[k + 2]->d_name, path);
    }
    for (int k = 0; k < n; k++)
        free(list[k]);
    free(list);

    qsort(order, N + 2, sizeof order[0], cmp_int);
    for (int k = 0; k < N + 2; k++)
        CHECK_EQ(order[k], k);

    for (int k = 0; k < N; k++) {
        snprintf(path, sizeof path, "file-%05d", k);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
