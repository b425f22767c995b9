/* A signal handler that uses the very FILE its interrupted call is
 * blocked on. stdio is not async-signal-safe, but programs do this (a
 * SIGINT handler that closes its input, a SIGALRM handler that prints to
 * the stream the program is writing), and it must neither corrupt the
 * stream nor lose bytes:
 * - fclose in the handler is deferred until the interrupted fgets
 *   returns, and that fgets still gets its line;
 * - a handler's fprintf to a stream blocked in a write reaches the
 *   descriptor, and the interrupted write still writes everything;
 * - reads and seeks of the busy stream fail with EAGAIN, fileno answers;
 * - a handler that leaves with siglongjmp leaves the stream usable. */
#include "tvmtest.h"
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#define SIZE (256 << 10)

static FILE *shared;
static char data[SIZE], all[SIZE + 64];
static volatile sig_atomic_t fired;
static int close_rc = -2, fileno_rc = -2, read_errno, seek_errno;
static sigjmp_buf escape;

static void msleep(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static void on_alarm_close(int s)
{
    (void)s;
    fileno_rc = fileno(shared);
    errno = 0;
    if (fgetc(shared) == EOF)
        read_errno = errno;
    errno = 0;
    if (fseek(shared, 0, SEEK_SET) != 0)
        seek_errno = errno;
    close_rc = fclose(shared);
    fired = 1;
}

static void on_alarm_print(int s)
{
    (void)s;
    fprintf(shared, "<handler>");
    fired = 1;
}

static void on_alarm_escape(int s)
{
    (void)s;
    siglongjmp(escape, 1);
}


static void arm(void (*h)(int))
{
    struct sigaction sa = { .sa_handler = h, .sa_flags = SA_RESTART };
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    fired = 0;
    struct itimerval t = { .it_value = { 0, 200000 } };
    CHECK_OK(setitimer(ITIMER_REAL, &t, NULL));
}

/* fgets blocked on a pipe; the handler closes the stream. */
static void close_during_fgets(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        msleep(400);
        CHECK_EQ(write(p[1], "line\n", 5), 5);
        _exit(0);
    }
    close(p[1]);
    shared = fdopen(p[0], "r");
    CHECK(shared != NULL);
    arm(on_alarm_close);
    char line[32];
    char *r = fgets(line, sizeof line, shared);
    CHECK(fired);
    CHECK(r != NULL);
    CHECK_STR(line, "line\n");
    CHECK_EQ(close_rc, 0);
    CHECK_EQ(fileno_rc, p[0]);
    CHECK_EQ(read_errno, EAGAIN);
    CHECK_EQ(seek_errno, EAGAIN);
    /* The deferred close has happened: the descriptor is gone. */
    CHECK_ERR(fcntl(p[0], F_GETFD), EBADF);
    CHECK_OK(waitpid(pid, NULL, 0) == pid ? 0 : -1);
}

/* fwrite blocked on a full pipe; the handler prints to the same stream. */
static void print_during_fwrite(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The reader: starts after the alarm, counts bytes and markers. */
        close(p[1]);
        msleep(400);
        size_t got = 0;
        for (;;) {
            ssize_t n = read(p[0], all + got, sizeof all - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        size_t markers = 0, xs = 0;
        for (size_t i = 0; i < got; i++) {
            if (all[i] == 'x')
                xs++;
            if (i + 9 <= got && memcmp(all + i, "<handler>", 9) == 0)
                markers++;
        }
        if (xs != SIZE || markers != 1)
            fprintf(stderr, "reader: %zu bytes, %zu x, %zu markers\n", got, xs, markers);
        _exit(xs == SIZE && markers == 1 ? 0 : 1);
    }
    close(p[0]);
    shared = fdopen(p[1], "w");
    CHECK(shared != NULL);
    memset(data, 'x', sizeof data);
    arm(on_alarm_print);
    CHECK_EQ(fwrite(data, 1, sizeof data, shared), (size_t)SIZE);
    CHECK(fired);
    CHECK_OK(fclose(shared));
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
}

/* A handler leaves a blocked fgets with siglongjmp; the stream works. */
static void escape_from_fgets(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    shared = fdopen(p[0], "r");
    CHECK(shared != NULL);
    arm(on_alarm_escape);
    char line[32];
    if (sigsetjmp(escape, 1) == 0) {
        fgets(line, sizeof line, shared);
        FAIL("fgets returned on an empty pipe");
    }
    CHECK_EQ(write(p[1], "again\n", 6), 6);
    CHECK(fgets(line, sizeof line, shared) != NULL);
    CHECK_STR(line, "again\n");
    CHECK_OK(fclose(shared));
    close(p[1]);
}

int main(void)
{
    close_during_fgets();
    print_during_fwrite();
    escape_from_fgets();
    return 0;
}
