/* unix_client PATH MSG: connects to AF_UNIX stream socket PATH (relative to
 * the cwd), sends MSG, prints the reply. */
#include "tvmtest.h"
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
    CHECK(argc == 3);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(s >= 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", argv[1]);
    CHECK_OK(connect(s, (struct sockaddr *)&a, sizeof a));
    write_all(s, argv[2], strlen(argv[2]));
    CHECK_OK(shutdown(s, SHUT_WR));
    char buf[256];
    read_all(s, buf, sizeof buf);
    dprintf(1, "%s\n", buf);
    return 0;
}
