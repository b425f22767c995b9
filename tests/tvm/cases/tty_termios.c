/* tcgetattr/tcsetattr and the settings' effects through a pty: defaults,
 * TCSAFLUSH, EINVAL and ENOTTY, tcflush, tcflow, echo off, non-canonical
 * reads by VMIN and VTIME. Also run natively on a host pty. */
#include "tvmtest.h"
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    int m, s;
    open_pty(&m, &s);
    struct termios t;
    CHECK_OK(tcgetattr(s, &t));
    CHECK(t.c_lflag & ICANON);
    CHECK(t.c_lflag & ECHO);
    CHECK(t.c_iflag & ICRNL);
    CHECK(t.c_oflag & ONLCR);
    CHECK_EQ(t.c_cc[VINTR], 3);
    CHECK_EQ(t.c_cc[VERASE], 0177);
    CHECK_EQ(cfgetospeed(&t), B38400);
    CHECK_ERR(tcsetattr(s, 99, &t), EINVAL);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(tcgetattr(p[0], &t), ENOTTY);
    CHECK_ERR(tcgetattr(99, &t), EBADF);
    CHECK_ERR(tcflush(p[0], TCIFLUSH), ENOTTY);
    CHECK_OK(tcgetattr(s, &t));

    /* Echo off: typed input is not shown, but read. */
    struct termios noecho = t;
    noecho.c_lflag &= ~ECHO;
    CHECK_OK(tcsetattr(s, TCSANOW, &noecho));
    char buf[256];
    write_all(m, "pw\r", 3);
    CHECK_EQ(read_for(m, buf, sizeof buf, 150), 0);
    CHECK_EQ(read(s, buf, sizeof buf), 3);

    /* TCSAFLUSH discards what was typed and not read. */
    write_all(m, "junk\r", 5);
    read_for(m, buf, sizeof buf, 150);
    CHECK_OK(tcsetattr(s, TCSAFLUSH, &t));
    int n = -1;
    CHECK_OK(ioctl(s, FIONREAD, &n));
    CHECK_EQ(n, 0);

    /* tcflush: input, then the output the master has not read. */
    write_all(m, "typed\r", 6);
    read_for(m, buf, sizeof buf, 150);
    CHECK_OK(tcflush(s, TCIFLUSH));
    CHECK_OK(ioctl(s, FIONREAD, &n));
    CHECK_EQ(n, 0);
    /* Output already with the master may or may not be discarded (Linux
     * moves it on at once); the call itself succeeds. */
    write_all(s, "shown", 5);
    CHECK_OK(tcflush(s, TCOFLUSH));
    read_for(m, buf, sizeof buf, 150);
    CHECK_ERR(tcflush(s, 7), EINVAL);

    /* tcflow: output suspended, then resumed. */
    CHECK_OK(tcflow(s, TCOOFF));
    int fl = fcntl(s, F_GETFL);
    CHECK_OK(fcntl(s, F_SETFL, fl | O_NONBLOCK));
    CHECK_ERR(write(s, "held", 4), EAGAIN);
    CHECK_EQ(read_for(m, buf, sizeof buf, 150), 0);
    CHECK_OK(tcflow(s, TCOON));
    CHECK_EQ(write(s, "held", 4), 4);
    read_for(m, buf, sizeof buf, 200);
    CHECK_STR(buf, "held");
    CHECK_OK(fcntl(s, F_SETFL, fl));
    CHECK_OK(tcdrain(s));
    CHECK_OK(tcsendbreak(s, 0));

    /* Non-canonical reads. */
    struct termios raw = t;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    CHECK_OK(tcsetattr(s, TCSANOW, &raw));
    CHECK_EQ(read(s, buf, sizeof buf), 0);
    raw.c_cc[VTIME] = 2;
    CHECK_OK(tcsetattr(s, TCSANOW, &raw));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(read(s, buf, sizeof buf), 0);
    long waited = ms_since(&t0);
    CHECK(waited >= 150 && waited < 2000);
    write_all(m, "ab", 2);
    CHECK_EQ(read(s, buf, sizeof buf), 2);
    raw.c_cc[VMIN] = 3;
    raw.c_cc[VTIME] = 0;
    CHECK_OK(tcsetattr(s, TCSANOW, &raw));
    write_all(m, "x", 1);
    CHECK_OK(fcntl(s, F_SETFL, fl | O_NONBLOCK));
    usleep(50000);
    CHECK_EQ(read(s, buf, sizeof buf), 1);
    CHECK_ERR(read(s, buf, sizeof buf), EAGAIN);
    CHECK_OK(fcntl(s, F_SETFL, fl));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(100000);
        write_all(m, "xyz", 3);
        _exit(0);
    }
    CHECK_EQ(read(s, buf, sizeof buf), 3);
    CHECK_EQ(wait_exit(pid), 0);

    /* Canonical again: what was queued raw is one line. */
    write_all(m, "rest", 4);
    usleep(50000);
    CHECK_OK(tcsetattr(s, TCSANOW, &t));
    CHECK_EQ(read(s, buf, sizeof buf), 4);
    close(s);
    close(m);
    return 0;
}
