/* Writing to a pipe or socket with no reader: SIGPIPE terminates by
 * default; ignored or caught, the write fails with EPIPE; MSG_NOSIGNAL
 * gives EPIPE without a signal. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/socket.h>

static volatile sig_atomic_t pipes;

static void on_pipe(int s)
{
    (void)s;
    pipes++;
}

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(1);
    }
    int st = wait_status(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);

    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);

    signal(SIGPIPE, on_pipe);
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_EQ(pipes, 1);

    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(pipes, 1);
    CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
    CHECK_EQ(pipes, 2);
    close(p[1]);
    close(sv[0]);
    return 0;
}
