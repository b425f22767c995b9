/* exit flushes every stream of the task (after the atexit handlers, which
 * may still print); _exit flushes none; fflush(NULL) flushes all. */
#include "tvmtest.h"

static char dir[PATH_MAX];
static char path_a[PATH_MAX + 64], path_b[PATH_MAX + 64];

static void late(void)
{
    printf(" from atexit");
}

static void all_streams(void *arg)
{
    int use_exit = *(int *)arg;
    FILE *a = fopen(path_a, "w");
    FILE *b = fopen(path_b, "w");
    CHECK(a != NULL && b != NULL);
    fputs("file a", a);
    fprintf(b, "file %c", 'b');
    printf("stdout");
    atexit(late);
    if (use_exit)
        exit(0);
    _exit(0);
}

static void slurp(const char *path, char *out, size_t cap)
{
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    read_all(fd, out, cap);
    close(fd);
}

int main(void)
{
    scratch_dir(dir, sizeof dir);
    snprintf(path_a, sizeof path_a, "%s/a", dir);
    snprintf(path_b, sizeof path_b, "%s/b", dir);
    char out[64], fa[64], fb[64];
    int use_exit = 1;
    CHECK_EQ(capture_child(out, sizeof out, all_streams, &use_exit), 0);
    CHECK_STR(out, "stdout from atexit");
    slurp(path_a, fa, sizeof fa);
    slurp(path_b, fb, sizeof fb);
    CHECK_STR(fa, "file a");
    CHECK_STR(fb, "file b");

    use_exit = 0;
    CHECK_EQ(capture_child(out, sizeof out, all_streams, &use_exit), 0);
    CHECK_STR(out, "");
    slurp(path_a, fa, sizeof fa);
    CHECK_STR(fa, "");

    /* fflush(NULL) writes out every stream now. */
    FILE *a = fopen(path_a, "w");
    CHECK(a != NULL);
    fputs("now", a);
    slurp(path_a, fa, sizeof fa);
    CHECK_STR(fa, "");
    CHECK_EQ(fflush(NULL), 0);
    slurp(path_a, fa, sizeof fa);
    CHECK_STR(fa, "now");
    CHECK_EQ(fclose(a), 0);
    unlink(path_a);
    unlink(path_b);
    rmdir(dir);
    return 0;
}
