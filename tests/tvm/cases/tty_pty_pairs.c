/* Pseudo-terminal pairs: posix_openpt, grantpt, unlockpt, ptsname and
 * ptsname_r, opening the slave (EIO while locked), data both ways through
 * the default line discipline, /dev/pts/N's node, openpty with settings
 * and a window size, and the errors for descriptors that are no pty.
 * Also built natively and run on the host's ptys: both must pass. */
#include "tvmtest.h"
#include <dirent.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

int main(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0);
    CHECK_EQ(isatty(m), 1);
    char name[64];
    CHECK_EQ(ptsname_r(m, name, sizeof name), 0);
    CHECK(strncmp(name, "/dev/pts/", 9) == 0);
    CHECK_STR(ptsname(m), name);
    CHECK_EQ(ptsname_r(m, name, 3), ERANGE);
    CHECK_EQ(ptsname_r(m, name, sizeof name), 0);
    /* Locked until unlockpt. */
    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO);
    CHECK_OK(grantpt(m));
    CHECK_OK(unlockpt(m));
    int s = open(name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0);
    CHECK_EQ(isatty(s), 1);
    CHECK_STR(ttyname(s), name);

    struct stat st;
    CHECK_OK(stat(name, &st));
    CHECK(S_ISCHR(st.st_mode));
    /* Owner read-write, nothing for others (devpts may add group write). */
    CHECK_EQ(st.st_mode & 0707, 0600);
    CHECK_EQ(st.st_uid, getuid());
    CHECK_OK(fstat(s, &st));
    CHECK(S_ISCHR(st.st_mode));

    DIR *d = opendir("/dev/pts");
    CHECK(d != NULL);
    int listed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        listed |= strcmp(e->d_name, name + 9) == 0;
    closedir(d);
    CHECK(listed);

    /* Typed at the master: echoed, and read by the slave as a line. */
    write_all(m, "hello\r", 6);
    char buf[256];
    CHECK_EQ(read(s, buf, sizeof buf), 6);
    CHECK(memcmp(buf, "hello\n", 6) == 0);
    read_for(m, buf, sizeof buf, 200);
    CHECK_STR(buf, "hello\r\n");
    /* Written by the slave: NL becomes CR NL. */
    write_all(s, "out\n", 4);
    read_for(m, buf, sizeof buf, 200);
    CHECK_STR(buf, "out\r\n");
    int n = -1;
    write_all(m, "abc\r", 4);
    read_for(m, buf, sizeof buf, 200);
    CHECK_OK(ioctl(s, FIONREAD, &n));
    CHECK_EQ(n, 4);
    CHECK_EQ(read(s, buf, sizeof buf), 4);

    /* Errors for descriptors that are no pty master. */
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(unlockpt(p[0]), EINVAL);
    CHECK_EQ(ptsname_r(p[0], name, sizeof name), ENOTTY);
    CHECK_ERR(grantpt(-1), EBADF);
    close(p[0]);
    close(p[1]);

    /* The master closes: the slave hangs up (end of file, EIO on write,
     * POLLHUP). */
    CHECK_OK(close(m));
    CHECK_EQ(read(s, buf, sizeof buf), 0);
    CHECK_ERR(write(s, "x", 1), EIO);
    struct pollfd pf = { .fd = s, .events = POLLIN };
    CHECK_EQ(poll(&pf, 1, 0), 1);
    CHECK(pf.revents & POLLHUP);
    CHECK_OK(close(s));
    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), ENOENT);

    /* The slave closes: the master reads EIO once drained. */
    open_pty(&m, &s);
    write_all(s, "bye", 3);
    CHECK_OK(close(s));
    CHECK_EQ(read(m, buf, sizeof buf), 3);
    CHECK_ERR(read(m, buf, sizeof buf), EIO);
    CHECK_OK(close(m));

    /* openpty: settings and window size given. */
    struct termios t;
    memset(&t, 0, sizeof t);
    cfmakeraw(&t);
    struct winsize ws = { .ws_row = 33, .ws_col = 77 };
    CHECK_OK(openpty(&m, &s, name, &t, &ws));
    CHECK(strncmp(name, "/dev/pts/", 9) == 0);
    struct termios got;
    CHECK_OK(tcgetattr(s, &got));
    CHECK_EQ(got.c_lflag & (ICANON | ECHO), 0);
    struct winsize gw;
    CHECK_OK(ioctl(s, TIOCGWINSZ, &gw));
    CHECK_EQ(gw.ws_row, 33);
    CHECK_EQ(gw.ws_col, 77);
    CHECK_OK(ioctl(m, TIOCGWINSZ, &gw));
    CHECK_EQ(gw.ws_col, 77);
    /* Through the master, the settings are the slave's. */
    CHECK_OK(tcgetattr(m, &got));
    CHECK_EQ(got.c_lflag & (ICANON | ECHO), 0);
    got.c_lflag |= ECHO;
    CHECK_OK(tcsetattr(m, TCSANOW, &got));
    CHECK_OK(tcgetattr(s, &got));
    CHECK(got.c_lflag & ECHO);
    int ptn = -1;
    CHECK_OK(ioctl(m, TIOCGPTN, &ptn));
    CHECK_EQ(ptn, atoi(name + 9));
    close(s);
    close(m);
    return 0;
}
