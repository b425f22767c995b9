/* A directory stream across fork. The child gets a copy of the parent's
 * stream, buffered entries included: its readdir continues where the
 * parent was (and an entry the parent got before fork is still readable).
 * The descriptor's open file description, and so its offset, is shared,
 * as on Unix: once a process's buffered entries are used up, it reads from
 * wherever the other left the shared offset. Here the child, having read
 * to the end, rewinds (lseek to 0 on the shared description); the parent
 * then finishes its own buffered entries and, reading on, starts over from
 * the first entry. closedir in the child leaves the parent's stream
 * alone. */
#include "tvmtest.h"

#include <dirent.h>

#define N 30
#define BEFORE 5

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "%s/entry%02d", dir, i);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }
    /* The full order, from a separate stream. */
    char order[N + 2][16];
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    for (int i = 0; i < N + 2; i++)
        snprintf(order[i], sizeof order[i], "%s", readdir(d)->d_name);
    CHECK(readdir(d) == NULL);
    CHECK_EQ(closedir(d), 0);

    d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e = NULL;
    for (int i = 0; i < BEFORE; i++) {
        e = readdir(d);
        CHECK(e != NULL);
        CHECK_STR(e->d_name, order[i]);
    }
    long pos = telldir(d);
    int fd = dirfd(d);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The child's copy of the stream and of the last entry. */
        if (strcmp(e->d_name, order[BEFORE - 1]) != 0 || dirfd(d) != fd || telldir(d) != pos)
            _exit(10);
        for (int i = BEFORE; i < N + 2; i++) {
            e = readdir(d);
            if (e == NULL || strcmp(e->d_name, order[i]) != 0)
                _exit(11);
        }
        if (readdir(d) != NULL)
            _exit(12);
        /* The shared offset back to the start. */
        rewinddir(d);
        if (closedir(d) != 0)
            _exit(13);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);

    /* The parent's stream is intact: its buffered entries first ... */
    CHECK(fd_is_open(fd));
    CHECK_EQ(telldir(d), pos);
    CHECK_STR(e->d_name, order[BEFORE - 1]);
    for (int i = BEFORE; i < N + 2; i++) {
        e = readdir(d);
        CHECK(e != NULL);
        CHECK_STR(e->d_name, order[i]);
    }
    /* ... then the shared description, which the child rewound. */
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
    for (int i = 0; i < N + 2; i++) {
        e = readdir(d);
        CHECK(e != NULL);
        CHECK_STR(e->d_name, order[i]);
    }
    CHECK(readdir(d) == NULL);

    /* A child that only closes its copy. */
    rewinddir(d);
    CHECK_STR(readdir(d)->d_name, order[0]);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(closedir(d) == 0 ? 0 : 1);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(readdir(d)->d_name, order[1]);
    CHECK_EQ(closedir(d), 0);

    /* A stream opened in the child is the child's. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        DIR *c = opendir(dir);
        int n = 0;
        while (c != NULL && readdir(c) != NULL)
            n++;
        _exit(n == N + 2 && closedir(c) == 0 ? 0 : 1);
    }
    CHECK_EQ(wait_exit(pid), 0);

    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "%s/entry%02d", dir, i);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
