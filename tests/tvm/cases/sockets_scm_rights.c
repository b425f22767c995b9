/* A descriptor passed with SCM_RIGHTS arrives in the other task as one of
 * its own descriptors, sharing the description. */
#include "tvmtest.h"
#include <sys/socket.h>

int main(void)
{
    int sv[2], p[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_addclose(&fa, sv[0]);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    pid_t pid = spawn_helper(&fa, "recv_fd", NULL);
    close(sv[1]);

    char byte = '!';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[1], sizeof(int));
    CHECK_EQ(sendmsg(sv[0], &m, 0), 1);
    close(p[1]);
    CHECK_EQ(wait_exit(pid), 0);
    char buf[64];
    read_all(p[0], buf, sizeof buf);
    CHECK_STR(buf, "via-passed-fd");

    /* A bad descriptor in the message is EBADF. */
    int bad = 88;
    memcpy(CMSG_DATA(c), &bad, sizeof(int));
    CHECK_ERR(sendmsg(sv[0], &m, 0), EBADF);
    return 0;
}
