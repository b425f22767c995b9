/* getaddrinfo's list survives fork: parent and child each read and free
 * their own copy, in either order. Numeric lookups only (no network). */
#include "tvmtest.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* `ai` is one IPv4 stream entry for 127.0.0.1:80, canonical name
 * "127.0.0.1" when `canon`. */
static void check_v4(const struct addrinfo *ai, int canon)
{
    CHECK(ai != NULL);
    CHECK_EQ(ai->ai_family, AF_INET);
    CHECK_EQ(ai->ai_socktype, SOCK_STREAM);
    CHECK_EQ(ai->ai_addrlen, sizeof(struct sockaddr_in));
    CHECK(ai->ai_addr != NULL);
    const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;
    CHECK_EQ(sin->sin_family, AF_INET);
    CHECK_EQ(ntohs(sin->sin_port), 80);
    CHECK_EQ(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
    if (canon)
        CHECK(ai->ai_canonname != NULL && strcmp(ai->ai_canonname, "127.0.0.1") == 0);
    CHECK(ai->ai_next == NULL);
}

static struct addrinfo *lookup_v4(void)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_CANONNAME;
    struct addrinfo *res = NULL;
    CHECK_EQ(getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
    check_v4(res, 1);
    return res;
}

/* `fork_first`: the child frees before the parent reads and frees; else
 * the parent frees first while the child waits on a pipe. */
static void across_fork(int child_first)
{
    struct addrinfo *res = lookup_v4();
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        if (!child_first) {
            char c;
            CHECK_EQ(read(p[0], &c, 1), 0);
        }
        check_v4(res, 1);
        freeaddrinfo(res);
        exit(0);
    }
    close(p[0]);
    if (child_first) {
        CHECK_EQ(wait_exit(pid), 0);
        check_v4(res, 1);
        freeaddrinfo(res);
        close(p[1]);
    } else {
        check_v4(res, 1);
        freeaddrinfo(res);
        close(p[1]);
        CHECK_EQ(wait_exit(pid), 0);
    }
}

/* Without a socket type: one entry per type (a longer list), walked and
 * freed in a child, then in the parent. IPv6 and an error too. */
static void list_and_errors(void)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_family = AF_INET6;
    struct addrinfo *res = NULL;
    CHECK_EQ(getaddrinfo("::1", "8080", &hints, &res), 0);
    int n = 0;
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next) {
        CHECK_EQ(a->ai_family, AF_INET6);
        CHECK_EQ(a->ai_addrlen, sizeof(struct sockaddr_in6));
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)a->ai_addr;
        CHECK_EQ(ntohs(s6->sin6_port), 8080);
        CHECK(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
        CHECK(a->ai_canonname == NULL);
        n++;
    }
    CHECK(n >= 2);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int m = 0;
        for (struct addrinfo *a = res; a != NULL; a = a->ai_next)
            m++;
        CHECK_EQ(m, n);
        freeaddrinfo(res);
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    int m = 0;
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next)
        m++;
    CHECK_EQ(m, n);
    freeaddrinfo(res);

    hints.ai_family = AF_UNSPEC;
    res = NULL;
    CHECK_EQ(getaddrinfo("not-a-number", "80", &hints, &res), EAI_NONAME);
    CHECK(gai_strerror(EAI_NONAME) != NULL);
    CHECK_EQ(getaddrinfo("127.0.0.1", "http-not-numeric", &hints, &res), EAI_NONAME);
}

int main(void)
{
    across_fork(1);
    across_fork(0);
    list_and_errors();
    /* Many lookups freed in turn: the arena does not grow without bound. */
    for (int i = 0; i < 1000; i++)
        freeaddrinfo(lookup_v4());
    return 0;
}
