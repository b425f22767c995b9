/* Buffered output is part of the image: printf without a newline, then
 * fork, and both copies appear once each when parent and child exit; what
 * _exit abandons never appears; fflush before fork prints once. */
#include "tvmtest.h"

static void twice(void *arg)
{
    (void)arg;
    printf("a"); /* stdout is a pipe: fully buffered */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        printf("c");
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    printf("p");
}

static void flushed_first(void *arg)
{
    (void)arg;
    printf("a");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        exit(0);
    CHECK_EQ(wait_exit(pid), 0);
}

static void abandoned(void *arg)
{
    (void)arg;
    printf("lost");
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK_EQ(wait_exit(pid), 0);
    fputs("kept", stdout);
}

int main(void)
{
    char out[64];
    CHECK_EQ(capture_child(out, sizeof out, twice, NULL), 0);
    CHECK_STR(out, "acap");
    CHECK_EQ(capture_child(out, sizeof out, flushed_first, NULL), 0);
    CHECK_STR(out, "a");
    CHECK_EQ(capture_child(out, sizeof out, abandoned, NULL), 0);
    CHECK_STR(out, "lostkept");
    return 0;
}
