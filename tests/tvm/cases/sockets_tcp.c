/* TCP over loopback between two tasks: listen on an ephemeral port,
 * accept4 flags, blocking connect, MSG_WAITALL, non-blocking accept. */
#include "tvmtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(l >= 0);
    int one = 1;
    CHECK_OK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof a));
    CHECK_OK(listen(l, 8));
    socklen_t al = sizeof a;
    CHECK_OK(getsockname(l, (struct sockaddr *)&a, &al));
    int port = ntohs(a.sin_port);
    CHECK(port > 0);
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
    CHECK_OK(fcntl(l, F_SETFL, 0));

    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid = spawn_helper(&fa, "tcp_client", ps, NULL);
    close(p[1]);

    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    int c = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
    CHECK(c >= 0);
    CHECK_EQ(fcntl(c, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fcntl(c, F_GETFL) & O_NONBLOCK, 0);
    CHECK_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    char buf[64];
    CHECK_EQ(recv(c, buf, 4, MSG_WAITALL), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_EQ(send(c, "pong", 4, 0), 4);
    read_all(p[0], buf, sizeof buf);
    CHECK_STR(buf, "pong\n");
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(recv(c, buf, sizeof buf, 0), 0);
    close(c);

    /* Connecting to a closed port is refused. */
    close(l);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(s, (struct sockaddr *)&a, sizeof a), ECONNREFUSED);
    close(s);
    return 0;
}
