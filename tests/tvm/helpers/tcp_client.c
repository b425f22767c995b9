/* tcp_client PORT: connects to 127.0.0.1:PORT, sends "ping", prints the
 * reply. */
#include "tvmtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(connect(s, (struct sockaddr *)&a, sizeof a));
    CHECK_EQ(send(s, "ping", 4, 0), 4);
    char buf[16];
    CHECK_EQ(recv(s, buf, 4, MSG_WAITALL), 4);
    buf[4] = '\0';
    dprintf(1, "%s\n", buf);
    return 0;
}
