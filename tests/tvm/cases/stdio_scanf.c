/* The scanf family on the task's streams: conversions, the return count,
 * EOF, and the byte after a conversion left in the stream; perror writes
 * the task's stderr. */
#include "tvmtest.h"

static void scan_stdin(void *arg)
{
    (void)arg;
    int a = 0, b = 0;
    char word[16];
    if (scanf("%d %d %15s", &a, &b, word) != 3)
        exit(1);
    printf("%d|%s|", a + b, word);
    /* The newline after the word is still there. */
    printf("%d|", getchar());
    int c;
    if (scanf("%d", &c) != EOF)
        exit(2);
    printf("end");
}

int main(void)
{
    FILE *f = tmpfile();
    fputs("12 abc 3.5\nnext", f);
    rewind(f);
    int n;
    char s[8];
    double d;
    CHECK_EQ(fscanf(f, "%d %7s %lf", &n, s, &d), 3);
    CHECK_EQ(n, 12);
    CHECK_STR(s, "abc");
    CHECK(d == 3.5);
    CHECK_EQ(fgetc(f), '\n');
    CHECK_EQ(fscanf(f, "%d", &n), 0); /* "next" is not a number */
    CHECK_EQ(fgetc(f), 'n');
    char rest[8];
    CHECK_EQ(fscanf(f, "%7s", rest), 1);
    CHECK_STR(rest, "ext");
    CHECK_EQ(fscanf(f, "%d", &n), EOF);
    fclose(f);

    /* scanf on stdin, fed through a pipe. */
    int in[2];
    CHECK_OK(pipe(in));
    write_all(in[1], "40 2 word\n", 10);
    close(in[1]);
    int saved = dup(0);
    CHECK_OK(dup2(in[0], 0));
    close(in[0]);
    char out[64];
    CHECK_EQ(capture_child(out, sizeof out, scan_stdin, NULL), 0);
    CHECK_STR(out, "42|word|10|end");
    CHECK_OK(dup2(saved, 0));
    close(saved);

    /* perror on the task's stderr. */
    int err[2];
    CHECK_OK(pipe(err));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(err[1], 2);
        close(err[0]);
        errno = ENOENT;
        perror("open it");
        fprintf(stderr, "%s:%d\n", "x", 5);
        exit(0);
    }
    close(err[1]);
    read_all(err[0], out, sizeof out);
    close(err[0]);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "open it: No such file or directory\nx:5\n");
    return 0;
}
