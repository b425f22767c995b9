/* Wrong FILE and DIR pointers (not a stream at all, a heap block, one
 * already closed) fail with EBADF instead of crashing, where glibc would
 * crash: this case runs under forkless only (abi_hostile covers the
 * descriptor calls, natively too). */
#include "tvmtest.h"
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void bad_file(FILE *f)
{
    char buf[16];
    errno = 0;
    CHECK_EQ(fread(buf, 1, sizeof buf, f), (size_t)0);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fwrite("x", 1, 1, f), (size_t)0);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK(fgets(buf, sizeof buf, f) == NULL);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fputs("x", f), EOF);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fgetc(f), EOF);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fprintf(f, "%d", 1), -1);
    CHECK_EQ(errno, EBADF);
    CHECK_ERR(fileno(f), EBADF);
    CHECK_ERR(fseek(f, 0, SEEK_SET), EBADF);
    errno = 0;
    CHECK_EQ(fflush(f), EOF);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fclose(f), EOF);
    CHECK_EQ(errno, EBADF);
}

static void bad_dir(DIR *d)
{
    errno = 0;
    CHECK(readdir(d) == NULL);
    CHECK_EQ(errno, EBADF);
    /* POSIX's errno for dirfd of something that is not a stream. */
    CHECK_ERR(dirfd(d), EINVAL);
    CHECK_ERR(closedir(d), EBADF);
}

int main(void)
{
    char on_stack[256] = { 0 };
    void *block = calloc(1, 256);
    CHECK(block != NULL);

    bad_file((FILE *)(uintptr_t)0x1000);
    bad_file((FILE *)on_stack);
    bad_file((FILE *)block);
    bad_file((FILE *)((char *)block + 3));
    FILE *f = fopen("/dev/null", "r");
    CHECK(f != NULL);
    CHECK_OK(fclose(f));
    bad_file(f);

    bad_dir((DIR *)(uintptr_t)0x1000);
    bad_dir((DIR *)on_stack);
    bad_dir((DIR *)block);
    DIR *d = opendir(".");
    CHECK(d != NULL);
    CHECK_OK(closedir(d));
    bad_dir(d);

    free(block);
    /* The standard streams still work. */
    CHECK(fprintf(stdout, "%s", "") == 0);
    return 0;
}
