/* getopt state is per task: a fork child continues the scan where the
 * parent was (inside "-ab" too); other tasks scanning at the same time do
 * not disturb it; exec starts the new image with optind 1. */
#include "tvmtest.h"

static void scan_rest(void *arg)
{
    char **argv = arg;
    int c;
    while ((c = getopt(5, argv, "abc")) != -1)
        printf("%c", c);
    printf("|%d", optind);
}

int main(void)
{
    char *argv[] = { "prog", "-ab", "-c", "op", "-a", NULL };
    CHECK_EQ(getopt(5, argv, "abc"), 'a');
    char out[64];
    /* The child picks up at 'b', inside the first word. */
    CHECK_EQ(capture_child(out, sizeof out, scan_rest, argv), 0);
    CHECK_STR(out, "bca|4");
    /* The parent was not moved by the child's scan. */
    CHECK_EQ(optind, 1);
    CHECK_EQ(getopt(5, argv, "abc"), 'b');

    /* Eight tasks scanning their own argument lists at once. */
    pid_t pids[8];
    for (int t = 0; t < 8; t++) {
        pids[t] = fork();
        if (pids[t] == 0) {
            for (int round = 0; round < 200; round++) {
                char *av[] = { "p", "-a", "x", "-b", "-c", NULL };
                optind = 0;
                int c, n = 0;
                while ((c = getopt(5, av, "abc")) != -1)
                    n = n * 10 + (c - 'a' + 1);
                if (n != 123 || optind != 4 || strcmp(av[4], "x") != 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int t = 0; t < 8; t++)
        CHECK_EQ(wait_exit(pids[t]), 0);

    /* exec: the new image's getopt starts afresh. */
    char *args[] = { "getopt_rest", "-a", "-b", "v", "rest", NULL };
    int st = capture_spawn(out, sizeof out, NULL, TVMTEST_DIR "getopt_rest", args, environ, NULL);
    CHECK_EQ(st, 0);
    CHECK_STR(out, "a,bv,|4 rest\n");
    return 0;
}
