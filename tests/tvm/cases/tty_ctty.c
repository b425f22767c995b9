/* Controlling terminals: a session leader acquires one by opening a
 * terminal without O_NOCTTY; /dev/tty is it; tcgetpgrp/tcgetsid answer
 * for it only; TIOCSCTTY rules; tcsetpgrp's errors; setsid gives it up;
 * TIOCNOTTY by the leader hangs up the foreground group; the leader's exit
 * sends its foreground group SIGHUP. The test process leads its own
 * session (test_tvm starts it so). Also run natively on a host pty. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

static int report;
static char mark;

static void on_hup(int sig)
{
    (void)sig;
    write(report, &mark, 1);
}

/* In a new session, `what` runs with `name` to open; reports through `r`. */
static pid_t in_session(const char *name, void (*what)(const char *, int), int r)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(setsid() > 0);
        what(name, r);
        _exit(0);
    }
    return pid;
}

static void acquires(const char *name, int r)
{
    (void)r;
    CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    CHECK_ERR(tcgetpgrp(s), ENOTTY);
    CHECK_ERR(tcgetsid(s), ENOTTY);
    close(s);
    s = open(name, O_RDWR);
    CHECK(s >= 0);
    CHECK_EQ(tcgetpgrp(s), getpgrp());
    CHECK_EQ(tcgetsid(s), getsid(0));
    int t = open("/dev/tty", O_RDWR);
    CHECK(t >= 0);
    CHECK_EQ(tcgetpgrp(t), getpgrp());
    /* A child inherits it; a group of another session cannot be put in
     * the foreground; a group that does not exist is ESRCH. */
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        CHECK_EQ(tcgetpgrp(0 + t), getpgrp());
        CHECK_ERR(tcsetpgrp(t, 1), EPERM);
        _exit(0);
    }
    CHECK_EQ(wait_exit(c), 0);
    CHECK_ERR(tcsetpgrp(t, 999999), ESRCH);
    CHECK_ERR(tcsetpgrp(t, -2), EINVAL);
    /* Already its controlling terminal: TIOCSCTTY is a no-op. */
    CHECK_OK(ioctl(s, TIOCSCTTY, 0));
    /* setsid in a child: no terminal there. */
    c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        CHECK(setsid() > 0);
        CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
        CHECK_ERR(tcgetpgrp(s), ENOTTY);
        /* Another session's terminal: TIOCSCTTY is EPERM (0 asks not to
         * steal it). */
        CHECK_ERR(ioctl(s, TIOCSCTTY, 0), EPERM);
        _exit(0);
    }
    CHECK_EQ(wait_exit(c), 0);
    close(t);
    close(s);
}

/* TIOCNOTTY by the session leader: its foreground group (here a child in
 * a group of its own) gets SIGHUP, and the session has no terminal. */
static void notty(const char *name, int r)
{
    int s = open(name, O_RDWR);
    CHECK(s >= 0);
    int go[2], ready[2];
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(ready));
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        report = r;
        mark = 'N';
        signal(SIGHUP, on_hup);
        CHECK_OK(setpgid(0, 0));
        close(go[1]);
        write_all(ready[1], "r", 1);
        char b;
        read(go[0], &b, 1); /* until the leader lets go */
        pause();
        _exit(0);
    }
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    CHECK_OK(setpgid(c, c));
    CHECK_OK(tcsetpgrp(s, c));
    CHECK_OK(ioctl(s, TIOCNOTTY));
    CHECK_ERR(open("/dev/tty", O_RDWR), ENXIO);
    CHECK_ERR(tcgetpgrp(s), ENOTTY);
    close(go[1]);
    usleep(100000);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    close(s);
}

/* The leader exits: its foreground group (a child in its own group) gets
 * SIGHUP. */
static void leader_exits(const char *name, int r)
{
    int s = open(name, O_RDWR);
    CHECK(s >= 0);
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        report = r;
        mark = 'X';
        signal(SIGHUP, on_hup);
        CHECK_OK(setpgid(0, 0));
        write_all(ready[1], "r", 1);
        for (int i = 0; i < 50; i++)
            usleep(20000);
        _exit(0);
    }
    char b;
    CHECK_EQ(read(ready[0], &b, 1), 1);
    CHECK_OK(setpgid(c, c));
    CHECK_OK(tcsetpgrp(s, c));
    usleep(50000);
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    char name[64];
    CHECK_EQ(ptsname_r(m, name, sizeof name), 0);
    /* O_NOCTTY: this session leader did not acquire it. */
    CHECK_ERR(tcgetpgrp(s), ENOTTY);
    int r[2];
    CHECK_OK(pipe(r));
    CHECK_EQ(wait_exit(in_session(name, acquires, r[1])), 0);
    CHECK_EQ(wait_exit(in_session(name, notty, r[1])), 0);
    CHECK_EQ(wait_exit(in_session(name, leader_exits, r[1])), 0);
    close(r[1]);
    char got[16];
    read_for(r[0], got, sizeof got, 1500);
    CHECK_STR(got, "NX");
    close(s);
    close(m);
    return 0;
}
