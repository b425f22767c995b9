/* recv_fd: receives one descriptor over the socket on fd 0 (SCM_RIGHTS)
 * and writes "via-passed-fd" into it. */
#include "tvmtest.h"
#include <sys/socket.h>

int main(void)
{
    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    CHECK_EQ(recvmsg(0, &m, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    CHECK(c != NULL && c->cmsg_type == SCM_RIGHTS);
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    CHECK(fd > 2);
    write_all(fd, "via-passed-fd", 13);
    return 0;
}
