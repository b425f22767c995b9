/* AF_UNIX sockets: socketpair streams and datagrams, shutdown, a listening
 * socket bound to a path relative to the cwd (created with the umask), a
 * client task connecting to it, names and options. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

int main(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ(send(sv[0], "hello", 5, 0), 5);
    char buf[256];
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 5);
    CHECK_EQ(write(sv[1], "back", 4), 4);
    CHECK_EQ(read(sv[0], buf, sizeof buf), 4);
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 0);
    close(sv[0]);
    close(sv[1]);

    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    CHECK_EQ(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
    CHECK_EQ(send(sv[0], "one", 3, 0), 3);
    CHECK_EQ(send(sv[0], "two!", 4, 0), 4);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 3);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 4);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(sv[0]);
    close(sv[1]);

    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-unix-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    umask(022);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(l >= 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "sock");
    CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof a));
    CHECK_OK(listen(l, 4));
    struct stat st;
    CHECK_OK(stat("sock", &st));
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0755);
    CHECK_ERR(bind(l, (struct sockaddr *)&a, sizeof a), EADDRINUSE);
    struct sockaddr_un a2 = { .sun_family = AF_UNIX };
    strcpy(a2.sun_path, "sock2");
    CHECK_ERR(bind(l, (struct sockaddr *)&a2, sizeof a2), EINVAL);

    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid = spawn_helper(&fa, "unix_client", "sock", "question", NULL);
    close(p[1]);
    int c = accept(l, NULL, NULL);
    CHECK(c >= 0);
    size_t n = read_all(c, buf, sizeof buf);
    CHECK_EQ(n, 8);
    CHECK_STR(buf, "question");
    write_all(c, "answer", 6);
    close(c);
    read_all(p[0], buf, sizeof buf);
    CHECK_STR(buf, "answer\n");
    CHECK_EQ(wait_exit(pid), 0);

    int v = 0;
    socklen_t vl = sizeof v;
    CHECK_OK(getsockopt(l, SOL_SOCKET, SO_TYPE, &v, &vl));
    CHECK_EQ(v, SOCK_STREAM);
    v = 65536;
    CHECK_OK(setsockopt(l, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    vl = sizeof v;
    CHECK_OK(getsockopt(l, SOL_SOCKET, SO_RCVBUF, &v, &vl));
    CHECK(v >= 65536);
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    CHECK_OK(getsockname(l, (struct sockaddr *)&got, &gl));
    CHECK_EQ(got.sun_family, AF_UNIX);
    CHECK(strstr(got.sun_path, "sock") != NULL);
    gl = sizeof got;
    CHECK_ERR(getpeername(l, (struct sockaddr *)&got, &gl), ENOTCONN);
    close(l);
    unlink("sock");
    CHECK_OK(chdir("/"));
    rmdir(dir);
    return 0;
}
