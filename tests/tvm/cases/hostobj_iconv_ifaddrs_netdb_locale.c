/* The host objects toybox uses, across fork: an iconv descriptor (each
 * task converts with its own), getifaddrs' list (each frees its own copy),
 * the static-result lookups of <netdb.h> (per-task buffers) and a
 * newlocale/uselocale choice (a fork child keeps its parent's). */
#include "tvmtest.h"

#include <arpa/inet.h>
#include <iconv.h>
#include <ifaddrs.h>
#include <locale.h>
#include <net/if.h>
#include <netdb.h>
#include <stdlib.h>

/* "héllo" from UTF-8 to UTF-16LE: 10 bytes, the é as e9 00. */
static void convert(iconv_t cd)
{
    char in[] = "h\xc3\xa9llo", out[32];
    char *ip = in, *op = out;
    size_t il = 6, ol = sizeof out;
    CHECK_EQ(iconv(cd, &ip, &il, &op, &ol), 0);
    CHECK_EQ(il, 0);
    CHECK_EQ(sizeof out - ol, 10);
    CHECK_EQ((unsigned char)out[2], 0xe9);
    CHECK_EQ(out[3], 0);
}

static void iconv_across_fork(void)
{
    iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
    CHECK(cd != (iconv_t)-1);
    convert(cd);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 100; i++)
            convert(cd);
        CHECK_OK(iconv_close(cd));
        exit(0);
    }
    for (int i = 0; i < 100; i++)
        convert(cd);
    CHECK_EQ(wait_exit(pid), 0);
    convert(cd);
    CHECK_OK(iconv_close(cd));
    CHECK_ERR(iconv_close((iconv_t)&pid), EBADF);
    errno = 0;
    CHECK(iconv_open("UTF-8", "no-such-charset") == (iconv_t)-1);
    CHECK_EQ(errno, EINVAL);
}

/* The loopback interface appears with its IPv4 address. */
static void check_lo(struct ifaddrs *list)
{
    int found = 0;
    for (struct ifaddrs *a = list; a != NULL; a = a->ifa_next) {
        CHECK(a->ifa_name != NULL);
        if (strcmp(a->ifa_name, "lo") == 0 && a->ifa_addr != NULL && a->ifa_addr->sa_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)a->ifa_addr;
            CHECK_EQ(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
            CHECK(a->ifa_flags & IFF_LOOPBACK);
            CHECK(a->ifa_netmask != NULL);
            found = 1;
        }
    }
    CHECK(found);
}

static void ifaddrs_across_fork(void)
{
    struct ifaddrs *list = NULL;
    CHECK_OK(getifaddrs(&list));
    check_lo(list);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        check_lo(list);
        freeifaddrs(list);
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    check_lo(list);
    freeifaddrs(list);
}

/* Two tasks look up different services at once; each keeps its answer. */
static void netdb_per_task(void)
{
    struct servent *se = getservbyport(htons(22), "tcp");
    CHECK(se != NULL);
    CHECK_STR(se->s_name, "ssh");
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        for (int i = 0; i < 200; i++) {
            struct servent *s = getservbyport(htons(80), "tcp");
            CHECK(s != NULL);
            CHECK_STR(s->s_name, "http");
        }
        exit(0);
    }
    for (int i = 0; i < 200; i++)
        CHECK_STR(getservbyport(htons(22), "tcp")->s_name, "ssh");
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(se->s_name, "ssh");
    CHECK(getservbyport(htons(1), "no-such-proto") == NULL);
    struct servent *by_name = getservbyname("http", "tcp");
    CHECK(by_name != NULL);
    CHECK_EQ(ntohs(by_name->s_port), 80);
    struct protoent *pe = getprotobyname("udp");
    CHECK(pe != NULL);
    CHECK_EQ(pe->p_proto, 17);
    struct hostent *he = gethostbyname("localhost");
    CHECK(he != NULL);
    CHECK(he->h_addr_list[0] != NULL);
}

static void locale_follows_fork(void)
{
    CHECK_EQ((int)MB_CUR_MAX, 1);
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    CHECK(utf8 != (locale_t)0);
    CHECK(uselocale(utf8) == LC_GLOBAL_LOCALE);
    CHECK_EQ((int)MB_CUR_MAX, 6);
    CHECK(uselocale((locale_t)0) == utf8);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK_EQ((int)MB_CUR_MAX, 6);
        CHECK(uselocale(LC_GLOBAL_LOCALE) == utf8);
        CHECK_EQ((int)MB_CUR_MAX, 1);
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ((int)MB_CUR_MAX, 6);
    CHECK(duplocale(utf8) == utf8);
    freelocale(utf8);
    CHECK_EQ((int)MB_CUR_MAX, 6);
    CHECK(uselocale(LC_GLOBAL_LOCALE) == utf8);
    errno = 0;
    CHECK(newlocale(LC_CTYPE_MASK, "xx_NO.SUCH", (locale_t)0) == (locale_t)0);
    CHECK_EQ(errno, ENOENT);
    CHECK(newlocale(1 << 30, "C", (locale_t)0) == (locale_t)0);
    CHECK_EQ(errno, EINVAL);
}

int main(void)
{
    iconv_across_fork();
    ifaddrs_across_fork();
    netdb_per_task();
    locale_follows_fork();
    return 0;
}
