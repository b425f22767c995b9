/* The keyboard's signals: INTR, QUIT and SUSP typed at the master reach
 * the terminal's foreground process group as SIGINT, SIGQUIT and SIGTSTP
 * (echoed as ^C, ^\, ^Z); a window size change sends SIGWINCH, an
 * unchanged size does not. Also run natively on a host pty. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

static int report;

static void note(int sig)
{
    char c = sig == SIGINT ? 'I' : sig == SIGQUIT ? 'Q' : sig == SIGWINCH ? 'W' : '?';
    write(report, &c, 1);
}

int main(void)
{
    int m, s0;
    open_pty(&m, &s0);
    close(s0);
    int r[2], ready[2], fg[2];
    CHECK_OK(pipe(r));
    CHECK_OK(pipe(ready));
    CHECK_OK(pipe(fg));
    pid_t leader = fork();
    CHECK(leader >= 0);
    if (leader == 0) {
        CHECK(setsid() > 0);
        int s = open(ptsname(m), O_RDWR);
        CHECK(s >= 0);
        /* The foreground job: a group of its own, linked to the session by
         * this leader, so SIGTSTP stops it. */
        pid_t job = fork();
        CHECK(job >= 0);
        if (job == 0) {
            report = r[1];
            signal(SIGINT, note);
            signal(SIGQUIT, note);
            signal(SIGWINCH, note);
            setpgid(0, 0);
            write_all(ready[1], "r", 1);
            for (;;)
                pause();
        }
        char b;
        CHECK_EQ(read(ready[0], &b, 1), 1);
        setpgid(job, job);
        CHECK_OK(tcsetpgrp(s, job));
        write_all(fg[1], "f", 1);
        int st;
        CHECK_EQ(waitpid(job, &st, WUNTRACED), job);
        CHECK(WIFSTOPPED(st));
        CHECK_EQ(WSTOPSIG(st), SIGTSTP);
        kill(job, SIGKILL);
        waitpid(job, NULL, 0);
        _exit(0);
    }
    char b;
    CHECK_EQ(read(fg[0], &b, 1), 1);
    char buf[64];
    /* Each echo is read before the next signal key: without NOFLSH, INTR
     * and QUIT flush what the master has not read yet (Linux's pty drops
     * an unread "^C" when "^\\" comes). */
    write_all(m, "\003", 1);
    CHECK_EQ(read(r[0], buf, 1), 1);
    CHECK_EQ(buf[0], 'I');
    read_for(m, buf, sizeof buf, 100);
    CHECK_STR(buf, "^C");
    write_all(m, "\034", 1);
    CHECK_EQ(read(r[0], buf, 1), 1);
    CHECK_EQ(buf[0], 'Q');
    read_for(m, buf, sizeof buf, 100);
    CHECK_STR(buf, "^\\");
    struct winsize ws = { .ws_row = 40, .ws_col = 120 };
    CHECK_OK(ioctl(m, TIOCSWINSZ, &ws));
    CHECK_EQ(read(r[0], buf, 1), 1);
    CHECK_EQ(buf[0], 'W');
    CHECK_OK(ioctl(m, TIOCSWINSZ, &ws));
    /* Nothing more to show: a size change echoes nothing. */
    CHECK_EQ(read_for(m, buf, sizeof buf, 100), 0);
    write_all(m, "\032", 1);
    CHECK_EQ(wait_exit(leader), 0);
    close(r[1]);
    /* No second SIGWINCH for the same size. */
    CHECK_EQ(read_for(r[0], buf, sizeof buf, 100), 0);
    close(m);
    return 0;
}
