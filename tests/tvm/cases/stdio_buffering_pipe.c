/* On pipes stdout is fully buffered (nothing is written before exit or a
 * full buffer, even at a newline) and stderr unbuffered; reading a fully
 * buffered stdin does not flush stdout. The terminal case (line buffered)
 * is the outside test stdio_line_buffered_on_tty. */
#include "tvmtest.h"
#include <poll.h>

int main(void)
{
    int out[2], err[2], in[2];
    CHECK_OK(pipe(out));
    CHECK_OK(pipe(err));
    CHECK_OK(pipe(in));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t pid = spawn_helper(&fa, "stdio_tty_probe", NULL);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    char got[64];
    size_t len = 0;
    while (len < 6) {
        ssize_t n = read(err[0], got + len, sizeof got - 1 - len);
        CHECK(n > 0);
        len += (size_t)n;
    }
    got[len] = '\0';
    CHECK_STR(got, "E1\nE2\n");
    /* The probe now waits in getchar: its stdout is still unwritten. */
    struct pollfd p = { .fd = out[0], .events = POLLIN };
    CHECK_EQ(poll(&p, 1, 50), 0);
    write_all(in[1], "x", 1);
    close(in[1]);
    read_all(out[0], got, sizeof got);
    CHECK_STR(got, "line\npartial");
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
