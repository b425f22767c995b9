/* atexit_writer MODE: registers handlers printing 1, 2, 3, then ends by
 * MODE: exit (status 5), return (6), _exit (7), _Exit (8). */
#include "tvmtest.h"

static void one(void) { write_all(1, "1", 1); }
static void two(void) { write_all(1, "2", 1); }
static void three(void) { write_all(1, "3", 1); }

static void on_exit_handler(int status, void *arg)
{
    dprintf(1, "[%d:%s]", status, (const char *)arg);
}

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    CHECK_EQ(atexit(one), 0);
    CHECK_EQ(on_exit(on_exit_handler, "arg"), 0);
    CHECK_EQ(atexit(two), 0);
    CHECK_EQ(atexit(three), 0);
    const char *m = argv[1];
    if (strcmp(m, "exit") == 0)
        exit(5);
    if (strcmp(m, "_exit") == 0)
        _exit(7);
    if (strcmp(m, "_Exit") == 0)
        _Exit(8);
    return 6;
}
