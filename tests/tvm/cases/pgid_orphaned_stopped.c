/* A process group that becomes orphaned while a member is stopped gets
 * SIGHUP then SIGCONT (both pending at once, their handlers nest as on
 * Linux: SIGCONT's runs first); the job-control stop signals are discarded
 * in an orphaned group (SIGSTOP still stops). */
#include "tvmtest.h"
#include <signal.h>

static int report_fd;

static void on_hup(int s)
{
    (void)s;
    write(report_fd, "H", 1);
}

static void on_cont(int s)
{
    (void)s;
    write(report_fd, "C", 1);
}

/* The middle task: puts itself and a worker in a new group, lets the
 * worker stop, then exits; the worker is left stopped in a group whose only
 * parent outside it is init (another session). */
static void middle(int report, int hup_default)
{
    CHECK_OK(setpgid(0, 0));
    pid_t w = fork();
    CHECK(w >= 0);
    if (w == 0) {
        report_fd = report;
        if (!hup_default)
            signal(SIGHUP, on_hup);
        signal(SIGCONT, on_cont);
        write(report, "S", 1);
        raise(SIGSTOP);
        write(report, "R", 1);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(w, &st, WUNTRACED), w);
    CHECK(WIFSTOPPED(st));
    _exit(0);
}

static void run(int hup_default, const char *want)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t m = fork();
    CHECK(m >= 0);
    if (m == 0) {
        close(p[0]);
        middle(p[1], hup_default);
    }
    close(p[1]);
    CHECK_EQ(wait_exit(m), 0);
    char out[16];
    read_all(p[0], out, sizeof out); /* EOF: the worker finished */
    close(p[0]);
    CHECK_STR(out, want);
}

int main(void)
{
    run(0, "SCHR");
    run(1, "S"); /* SIGHUP's default action ends the worker */

    /* This test's own group is orphaned (its parent is init): SIGTSTP
     * with the default action is discarded; SIGSTOP stops. */
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGTSTP);
        raise(SIGTTIN);
        raise(SIGTTOU);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
