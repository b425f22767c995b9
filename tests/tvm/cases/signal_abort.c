/* abort: terminates with SIGABRT even when SIGABRT is caught by a handler
 * that returns, ignored or blocked; a handler that longjmps out keeps the
 * task alive. */
#include "tvmtest.h"
#include <setjmp.h>
#include <signal.h>

static sigjmp_buf jb;

static void returns(int s) { (void)s; }

static void jumps(int s)
{
    (void)s;
    siglongjmp(jb, 1);
}

static int abort_status(int how)
{
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t m;
        switch (how) {
        case 1:
            signal(SIGABRT, returns);
            break;
        case 2:
            signal(SIGABRT, SIG_IGN);
            break;
        case 3:
            sigemptyset(&m);
            sigaddset(&m, SIGABRT);
            sigprocmask(SIG_BLOCK, &m, NULL);
            break;
        }
        abort();
    }
    return wait_status(pid);
}

int main(void)
{
    for (int how = 0; how < 4; how++) {
        int st = abort_status(how);
        if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
            FAIL("abort variant %d: status 0x%x", how, st);
    }
    signal(SIGABRT, jumps);
    if (sigsetjmp(jb, 1) == 0) {
        abort();
        FAIL("abort returned");
    }
    /* Alive, and SIGABRT is no longer blocked. */
    sigset_t m;
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &m));
    CHECK(!sigismember(&m, SIGABRT));
    return 0;
}
