/* block_in CALL: blocks forever in CALL (read, poll, select, accept,
 * waitpid), on objects nobody will ever make ready. */
#include "tvmtest.h"
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    const char *c = argv[1];
    int p[2];
    CHECK_OK(pipe(p));
    if (strcmp(c, "read") == 0) {
        char b;
        read(p[0], &b, 1);
    } else if (strcmp(c, "poll") == 0) {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        poll(&pfd, 1, -1);
    } else if (strcmp(c, "select") == 0) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        select(p[0] + 1, &r, NULL, NULL, NULL);
    } else if (strcmp(c, "accept") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(s >= 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof a));
        CHECK_OK(listen(s, 1));
        accept(s, NULL, NULL);
    } else if (strcmp(c, "waitpid") == 0) {
        pid_t child = spawn_helper(NULL, "block_in", "read", NULL);
        waitpid(child, NULL, 0);
    }
    FAIL("block_in %s returned", c);
}
