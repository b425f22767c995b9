/* opendir errors as Linux gives them (ENOENT, ENOTDIR, EACCES, "" is
 * ENOENT), closedir(NULL) is EINVAL (glibc); a stream whose descriptor the
 * program closed fails with EBADF. Under tvm, a pointer that is not an
 * open DIR (bogus, on the stack, already closed) is EBADF from every call
 * (EINVAL from dirfd, as POSIX says), never a crash: glibc would crash, so
 * those checks run only under tvm. A directory removed while open reads as
 * empty, errno unchanged. */
#include "tvmtest.h"

#include <dirent.h>
#include <sys/stat.h>

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);

    snprintf(path, sizeof path, "%s/missing", dir);
    errno = 0;
    CHECK(opendir(path) == NULL);
    CHECK_EQ(errno, ENOENT);
    errno = 0;
    CHECK(opendir("") == NULL);
    CHECK_EQ(errno, ENOENT);
    snprintf(path, sizeof path, "%s/file", dir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    errno = 0;
    CHECK(opendir(path) == NULL);
    CHECK_EQ(errno, ENOTDIR);
    snprintf(path, sizeof path, "%s/file/x", dir);
    errno = 0;
    CHECK(opendir(path) == NULL);
    CHECK_EQ(errno, ENOTDIR);
    snprintf(path, sizeof path, "%s/locked", dir);
    CHECK_OK(mkdir(path, 0));
    if (geteuid() != 0) {
        errno = 0;
        CHECK(opendir(path) == NULL);
        CHECK_EQ(errno, EACCES);
    }
    CHECK_OK(rmdir(path));

    /* Through a volatile: the headers declare the argument non-null. */
    DIR *volatile null_dir = NULL;
    CHECK_ERR(closedir(null_dir), EINVAL);

    /* The program closed the stream's descriptor. */
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    CHECK_OK(close(dirfd(d)));
    errno = 0;
    CHECK(readdir(d) == NULL);
    CHECK_EQ(errno, EBADF);
    CHECK_ERR(closedir(d), EBADF);

    /* Removed while open: the end, errno unchanged. */
    snprintf(path, sizeof path, "%s/gone", dir);
    CHECK_OK(mkdir(path, 0700));
    d = opendir(path);
    CHECK(d != NULL);
    CHECK_OK(rmdir(path));
    errno = EINPROGRESS;
    CHECK(readdir(d) == NULL);
    CHECK_EQ(errno, EINPROGRESS);
    CHECK_EQ(closedir(d), 0);

#ifdef TVM_SHIM_H
    DIR *bogus = (DIR *)(unsigned long)0x1234;
    long on_stack[64] = { 0 };
    DIR *stack = (DIR *)on_stack;
    DIR *heap = malloc(4096);
    CHECK(heap != NULL);
    memset(heap, 0, 4096);
    DIR *open_one = opendir(dir);
    CHECK(open_one != NULL);
    DIR *misaligned = (DIR *)((char *)open_one + 1);
    /* Closed last, so no later allocation reuses its block. */
    DIR *closed = opendir(dir);
    CHECK(closed != NULL);
    CHECK_EQ(closedir(closed), 0);
    DIR *bad[] = { bogus, stack, heap, closed, misaligned };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        DIR *b = bad[i];
        errno = 0;
        CHECK(readdir(b) == NULL);
        CHECK_EQ(errno, EBADF);
        errno = 0;
        CHECK(readdir64(b) == NULL);
        CHECK_EQ(errno, EBADF);
        struct dirent ent, *res = &ent;
        CHECK_EQ(readdir_r(b, &ent, &res), EBADF);
        CHECK_ERR(closedir(b), EBADF);
        CHECK_ERR(telldir(b), EBADF);
        CHECK_ERR(dirfd(b), EINVAL);
        rewinddir(b);
        seekdir(b, 0);
    }
    errno = 0;
    CHECK(readdir(null_dir) == NULL);
    CHECK_EQ(errno, EBADF);
    CHECK_ERR(dirfd(null_dir), EINVAL);
    CHECK_EQ(closedir(open_one), 0);
    free(heap);
#endif

    snprintf(path, sizeof path, "%s/file", dir);
    CHECK_OK(unlink(path));
    CHECK_OK(rmdir(dir));
    return 0;
}
