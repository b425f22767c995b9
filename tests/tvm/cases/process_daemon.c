/* daemon(3): the caller's process exits 0 at once; the daemon goes on in
 * a new session of its own, in /, with /dev/null as its standard
 * descriptors (daemon(0, 0)), or where it was and with its descriptors
 * kept (daemon(1, 1)). */
#include "tvmtest.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void check(int keep)
{
    int p[2];
    CHECK_OK(pipe(p));
    char here[256];
    CHECK(getcwd(here, sizeof here) != NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (daemon(keep, keep) != 0)
            _exit(9);
        /* The caller's process exits right after the fork: wait (bounded)
         * until init has adopted us. */
        for (int i = 0; i < 5000 && getppid() != 1; i++)
            usleep(1000);
        char cwd[256];
        struct stat st;
        int ok = getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, keep ? here : "/") == 0
            && getsid(0) == getpid() && getpgrp() == getpid() && fstat(0, &st) == 0
            && (keep || (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3));
        dprintf(p[1], "%s %d", ok ? "ok" : "wrong", (int)getppid());
        _exit(0);
    }
    close(p[1]);
    CHECK_EQ(wait_exit(pid), 0);
    char buf[64] = { 0 };
    read_all(p[0], buf, sizeof buf - 1);
    close(p[0]);
    CHECK_EQ(strncmp(buf, "ok ", 3), 0);
    /* Its parent is gone: init adopted it. */
    CHECK_EQ(atoi(buf + 3), 1);
}

int main(void)
{
    check(0);
    check(1);
    return 0;
}
