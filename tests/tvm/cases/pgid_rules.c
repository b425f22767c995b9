/* Process group and session calls and their POSIX errors: getpgid, getsid,
 * getpgrp, setpgid (EINVAL, ESRCH, EPERM across sessions or into a missing
 * group, EPERM for a session leader, EACCES after the child's exec), setsid
 * (EPERM for a group leader), setpgrp. */
#include "tvmtest.h"
#include <signal.h>

/* Forks a child that runs `step` (if any), writes its result as a byte on
 * the report pipe, then waits for a byte on `*release` and exits 0 (a
 * byte, not end-of-file: later children inherit the write end). */
static pid_t child(int *release, int (*step)(void), int *result)
{
    int rel[2], rep[2];
    CHECK_OK(pipe2(rel, O_CLOEXEC));
    CHECK_OK(pipe(rep));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(rel[1]);
        close(rep[0]);
        unsigned char r = step ? (unsigned char)step() : 0;
        write(rep[1], &r, 1);
        char b;
        read(rel[0], &b, 1);
        _exit(0);
    }
    close(rel[0]);
    close(rep[1]);
    unsigned char r = 0;
    CHECK_EQ(read(rep[0], &r, 1), 1);
    close(rep[0]);
    if (result)
        *result = r;
    *release = rel[1];
    return pid;
}

static void finish(pid_t pid, int release)
{
    write_all(release, "x", 1);
    close(release);
    CHECK_EQ(wait_exit(pid), 0);
}

/* Child steps: each returns 0 when every check inside held, else a
 * number naming the check that failed. */
static int new_session(void)
{
    pid_t me = getpid();
    if (setsid() != me)
        return 1;
    if (getsid(0) != me || getpgrp() != me)
        return 2;
    if (setsid() != -1 || errno != EPERM)
        return 3; /* now a group leader */
    if (setpgid(0, 0) != -1 || errno != EPERM)
        return 4; /* a session leader stays in its group */
    return 0;
}

static int own_group_then_setsid(void)
{
    if (setpgrp() != 0 || getpgrp() != getpid())
        return 1;
    if (setsid() != -1 || errno != EPERM)
        return 2;
    return 0;
}

int main(void)
{
    pid_t me = getpid(), pg = getpgrp(), sid = getsid(0);
    CHECK_EQ(getpgid(0), pg);
    CHECK_EQ(getpgid(me), pg);
    CHECK_EQ(getsid(me), sid);
    CHECK_ERR(getpgid(987654), ESRCH);
    CHECK_ERR(getsid(987654), ESRCH);
    /* The first task leads its session and group, as the test process
     * does (test_tvm starts each in a new session). */
    CHECK_EQ(sid, me);
    CHECK_EQ(pg, me);
    CHECK_ERR(setsid(), EPERM);
    CHECK_ERR(setpgid(0, -1), EINVAL);
    CHECK_ERR(setpgid(-5, 0), EINVAL); /* pgid 0 means pid: -5 */
    CHECK_ERR(setpgid(-5, 3), ESRCH);
    CHECK_ERR(setpgid(987654, 0), ESRCH);
    CHECK_ERR(setpgid(1, 0), ESRCH); /* not a child */

    /* Moving children between groups of this session. */
    int ra, rb, r;
    pid_t a = child(&ra, NULL, NULL);
    pid_t b = child(&rb, NULL, NULL);
    CHECK_EQ(getpgid(a), pg);
    CHECK_EQ(getsid(a), sid);
    CHECK_OK(setpgid(a, a));
    CHECK_EQ(getpgid(a), a);
    CHECK_OK(setpgid(b, a));
    CHECK_EQ(getpgid(b), a);
    CHECK_ERR(setpgid(b, 987654), EPERM); /* no such group */
    CHECK_OK(setpgid(b, pg));
    CHECK_EQ(getpgid(b), pg);
    /* A group outlives its leader while it has members. */
    CHECK_OK(setpgid(b, a));
    finish(a, ra);
    int rc;
    pid_t c = child(&rc, NULL, NULL);
    CHECK_OK(setpgid(c, a));
    CHECK_EQ(getpgid(c), a);
    finish(b, rb);
    finish(c, rc);

    /* A child in its own session: out of reach of setpgid. */
    pid_t s = child(&rc, new_session, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(getsid(s), s);
    CHECK_EQ(getpgid(s), s);
    CHECK_ERR(setpgid(s, s), EPERM);
    CHECK_ERR(setpgid(s, pg), EPERM);
    finish(s, rc);

    pid_t g = child(&rc, own_group_then_setsid, &r);
    CHECK_EQ(r, 0);
    CHECK_EQ(getpgid(g), g);
    CHECK_EQ(getsid(g), sid);
    finish(g, rc);

    /* After the child's exec: EACCES. */
    pid_t e = spawn_blocked(&rc, NULL, "0");
    CHECK_ERR(setpgid(e, e), EACCES);
    close(rc);
    CHECK_EQ(wait_exit(e), 0);
    return 0;
}
