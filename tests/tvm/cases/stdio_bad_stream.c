/* Bad FILE pointers and closed streams give errors, not crashes: EBADF
 * from every call, EOF/NULL/0 as each call reports failure; reading a
 * write-only stream and writing a read-only one set the error indicator. */
#include "tvmtest.h"

int main(void)
{
    FILE *bogus = (FILE *)(unsigned long)0x1234;
    char buf[16];
    errno = 0;
    CHECK_EQ(fputc('x', bogus), EOF);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(fgetc(bogus), EOF);
    CHECK_EQ(errno, EBADF);
    CHECK(fgets(buf, sizeof buf, bogus) == NULL);
    CHECK_EQ(fread(buf, 1, 1, bogus), 0);
    CHECK_EQ(fwrite("x", 1, 1, bogus), 0);
    CHECK_EQ(fprintf(bogus, "%d", 1), -1);
    CHECK_EQ(fflush(bogus), EOF);
    CHECK_EQ(fileno(bogus), -1);
    CHECK_EQ(fseek(bogus, 0, SEEK_SET), -1);
    CHECK_EQ(ftell(bogus), -1);
    CHECK_EQ(fclose(bogus), EOF);
    CHECK_EQ(errno, EBADF);
    int on_stack;
    CHECK_EQ(fputs("x", (FILE *)&on_stack), EOF);
    CHECK_EQ(fclose(NULL), EOF);

    /* A closed stream. */
    FILE *f = tmpfile();
    CHECK(f != NULL);
    CHECK_EQ(fclose(f), 0);
    errno = 0;
    CHECK_EQ(fputs("x", f), EOF);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(fclose(f), EOF);

    /* Wrong direction. */
    f = tmpfile();
    FILE *r = fdopen(dup(fileno(f)), "r");
    CHECK(r != NULL);
    errno = 0;
    CHECK_EQ(fputc('x', r), EOF);
    CHECK_EQ(errno, EBADF);
    CHECK(ferror(r));
    clearerr(r);
    CHECK(!ferror(r));
    FILE *w = fdopen(dup(fileno(f)), "w");
    CHECK(w != NULL);
    CHECK_EQ(fgetc(w), EOF);
    CHECK(ferror(w));
    CHECK_EQ(fclose(r), 0);
    CHECK_EQ(fclose(w), 0);
    CHECK_EQ(fclose(f), 0);

    /* Bad arguments. */
    CHECK(fopen(".", "q") == NULL);
    CHECK_EQ(errno, EINVAL);
    CHECK(fopen("/no/such/dir/file", "r") == NULL);
    CHECK_EQ(errno, ENOENT);
    CHECK(fdopen(999, "r") == NULL);
    CHECK_EQ(errno, EBADF);
    int ro = open("/dev/null", O_RDONLY);
    CHECK(fdopen(ro, "w") == NULL);
    CHECK_EQ(errno, EINVAL);
    close(ro);
    f = tmpfile();
    CHECK(setvbuf(f, NULL, 42, 0) != 0);
    CHECK_EQ(fclose(f), 0);

    /* stdout closed: printf fails with EBADF, stderr still works. */
    pid_t pid = fork();
    if (pid == 0) {
        fclose(stdout);
        errno = 0;
        int n = printf("hello\n");
        _exit(n == -1 && errno == EBADF && fileno(stdout) == -1 ? 0 : 1);
    }
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
