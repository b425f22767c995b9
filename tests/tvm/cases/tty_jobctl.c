/* Terminal job control: a background process that reads its controlling
 * terminal is stopped by SIGTTIN (EIO when it ignores SIGTTIN, or when its
 * group is orphaned); one that writes is stopped by SIGTTOU only under
 * TOSTOP; changing the settings from the background is SIGTTOU (allowed
 * when ignored). Resumed in the foreground, the read completes. Also run
 * natively on a host pty. */
#include "tvmtest.h"
#include <signal.h>
#include <termios.h>

static int m, s;

/* Runs `job` in a background group of the session; returns its pid. */
static pid_t background(int (*job)(void))
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        _exit(job());
    }
    setpgid(pid, pid);
    return pid;
}

/* Waits until `pid` stops, and returns the stop signal. */
static int stop_signal(pid_t pid)
{
    int st;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    return WSTOPSIG(st);
}

static int reads(void)
{
    char buf[64];
    ssize_t n = read(s, buf, sizeof buf);
    return n == 5 && memcmp(buf, "line\n", 5) == 0 ? 0 : 1;
}

static int reads_ignoring(void)
{
    signal(SIGTTIN, SIG_IGN);
    char buf[8];
    return read(s, buf, sizeof buf) == -1 && errno == EIO ? 0 : 1;
}

static int writes(void)
{
    return write(s, "w", 1) == 1 ? 0 : 1;
}

static int writes_ignoring(void)
{
    signal(SIGTTOU, SIG_IGN);
    return write(s, "i", 1) == 1 ? 0 : 1;
}

static int sets(void)
{
    struct termios t;
    if (tcgetattr(s, &t) != 0)
        return 1;
    return tcsetattr(s, TCSANOW, &t) == 0 ? 0 : 1;
}

static int sets_ignoring(void)
{
    signal(SIGTTOU, SIG_IGN);
    return sets();
}

/* In a group no one links to its session (its parent exits first), a
 * read is EIO, not a stop; the verdict comes back through `report`. */
static void orphan_reads(int report)
{
    pid_t g = fork();
    CHECK(g >= 0);
    if (g == 0) {
        setpgid(0, 0);
        usleep(200000);
        char buf[8];
        ssize_t n = read(s, buf, sizeof buf);
        char verdict = n == -1 && errno == EIO ? 'E' : '?';
        write(report, &verdict, 1);
        _exit(0);
    }
    _exit(0);
}

static void session(void)
{
    CHECK(setsid() > 0);
    s = open(ptsname(m), O_RDWR);
    CHECK(s >= 0);
    CHECK_EQ(tcgetpgrp(s), getpgrp());
    char buf[64];

    pid_t j = background(reads);
    CHECK_EQ(stop_signal(j), SIGTTIN);
    CHECK_OK(tcsetpgrp(s, j));
    CHECK_OK(kill(j, SIGCONT));
    write_all(m, "line\r", 5);
    CHECK_EQ(wait_exit(j), 0);
    /* Back to the foreground: tcsetpgrp from the background with SIGTTOU
     * ignored (as shells do). */
    signal(SIGTTOU, SIG_IGN);
    CHECK_OK(tcsetpgrp(s, getpgrp()));
    signal(SIGTTOU, SIG_DFL);
    read_for(m, buf, sizeof buf, 100);

    CHECK_EQ(wait_exit(background(reads_ignoring)), 0);
    CHECK_EQ(wait_exit(background(writes)), 0);
    struct termios t;
    CHECK_OK(tcgetattr(s, &t));
    t.c_lflag |= TOSTOP;
    CHECK_OK(tcsetattr(s, TCSANOW, &t));
    j = background(writes);
    CHECK_EQ(stop_signal(j), SIGTTOU);
    kill(j, SIGKILL);
    waitpid(j, NULL, 0);
    CHECK_EQ(wait_exit(background(writes_ignoring)), 0);
    t.c_lflag &= ~TOSTOP;
    CHECK_OK(tcsetattr(s, TCSANOW, &t));
    j = background(sets);
    CHECK_EQ(stop_signal(j), SIGTTOU);
    kill(j, SIGKILL);
    waitpid(j, NULL, 0);
    CHECK_EQ(wait_exit(background(sets_ignoring)), 0);

    int r[2];
    CHECK_OK(pipe(r));
    pid_t o = fork();
    CHECK(o >= 0);
    if (o == 0)
        orphan_reads(r[1]);
    CHECK_EQ(wait_exit(o), 0);
    close(r[1]);
    char verdict = 0;
    CHECK_EQ(read(r[0], &verdict, 1), 1);
    CHECK_EQ(verdict, 'E');
    close(s);
}

int main(void)
{
    int s0;
    open_pty(&m, &s0);
    close(s0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        session();
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    close(m);
    return 0;
}
