/* block_in CALL [eintr]: blocks forever in CALL (read, write, poll, select,
 * accept, connect, waitpid, sigsuspend, pause, nanosleep, sleep), on objects
 * nobody will ever make ready. With "eintr", SIGUSR1 has a handler without
 * SA_RESTART and the helper exits 4 when CALL fails with EINTR (sleep: when
 * it returns early with time left); SIGUSR1 is unblocked once the handler
 * is in place (a caller blocks it first, so none arrives too early). */
#include "tvmtest.h"
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

static void on_usr1(int s) { (void)s; }

static int interrupted(long r)
{
    return r == -1 && errno == EINTR;
}

static int block(const char *c)
{
    int p[2];
    CHECK_OK(pipe(p));
    if (strcmp(c, "read") == 0) {
        char b;
        return interrupted(read(p[0], &b, 1));
    }
    if (strcmp(c, "write") == 0) {
        static char buf[4096];
        for (;;) {
            ssize_t n = write(p[1], buf, sizeof buf);
            if (n < 0)
                return interrupted(n);
        }
    }
    if (strcmp(c, "poll") == 0) {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        return interrupted(poll(&pfd, 1, -1));
    }
    if (strcmp(c, "select") == 0) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(p[0], &r);
        return interrupted(select(p[0] + 1, &r, NULL, NULL, NULL));
    }
    if (strcmp(c, "accept") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        CHECK(s >= 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof a));
        CHECK_OK(listen(s, 1));
        return interrupted(accept(s, NULL, NULL));
    }
    if (strcmp(c, "connect") == 0) {
        /* A listener nobody accepts from: once its backlog is full, a
         * blocking connect waits. */
        /* Bound in the test's own directory, by a relative name: a long
         * $TMPDIR cannot overflow sun_path. */
        char dir[PATH_MAX];
        CHECK_OK(chdir(tmp_path(dir, sizeof dir, ".")));
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        snprintf(a.sun_path, sizeof a.sun_path, "block_in.%d.sock", (int)getpid());
        unlink(a.sun_path);
        int l = socket(AF_UNIX, SOCK_STREAM, 0);
        CHECK(l >= 0);
        CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof a));
        CHECK_OK(listen(l, 0));
        for (;;) {
            int s = socket(AF_UNIX, SOCK_STREAM, 0);
            CHECK(s >= 0);
            if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
                return interrupted(-1);
        }
    }
    if (strcmp(c, "waitpid") == 0) {
        pid_t child = spawn_helper(NULL, "block_in", "read", NULL);
        return interrupted(waitpid(child, NULL, 0));
    }
    if (strcmp(c, "sigsuspend") == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigaddset(&none, SIGUSR1);
        sigprocmask(SIG_BLOCK, &none, NULL);
        sigemptyset(&none);
        return interrupted(sigsuspend(&none));
    }
    if (strcmp(c, "pause") == 0)
        return interrupted(pause());
    if (strcmp(c, "nanosleep") == 0) {
        struct timespec t = { .tv_sec = 1000 }, rem;
        return interrupted(nanosleep(&t, &rem)) && rem.tv_sec > 900;
    }
    if (strcmp(c, "sleep") == 0) {
        unsigned left = sleep(1000);
        return left > 900 && left <= 1000;
    }
    FAIL("block_in: unknown call %s", c);
}

int main(int argc, char **argv)
{
    CHECK(argc == 2 || argc == 3);
    if (argc == 3) {
        CHECK(strcmp(argv[2], "eintr") == 0);
        struct sigaction sa = { .sa_handler = on_usr1 };
        CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR1);
        CHECK_OK(sigprocmask(SIG_UNBLOCK, &m, NULL));
    }
    if (block(argv[1]))
        return 4;
    FAIL("block_in %s returned (errno %d)", argv[1], errno);
}
