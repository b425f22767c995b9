/* A fault in one task's code ends that task alone, killed by the signal
 * the fault raised, and its parent goes on: a null and a wild pointer
 * (SIGSEGV), an integer division by zero (SIGFPE, where the CPU traps it),
 * an illegal instruction (SIGILL), a read past the end of a mapped file
 * (SIGBUS), abort() (SIGABRT), a stack overflow into the guard page
 * (SIGSEGV) and a breakpoint instruction (SIGTRAP). */
#include "tvmtest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>

static volatile int zero, forever = 1;

/* Recursion without end (the condition only looks like one to gcc). */
static int deep(int n)
{
    volatile char frame[4096];
    frame[0] = (char)n;
    if (!forever)
        return n;
    return deep(n + 1) + frame[0];
}

static void fault(int how)
{
    switch (how) {
    case 0:
        *(volatile int *)0 = 1;
        break;
    case 1:
        *(volatile int *)(uintptr_t)0xdead0000beefUL = 1;
        break;
    case 2:
        zero = 7 / zero;
        break;
    case 3:
        illegal_instruction();
        break;
    case 4: {
        int fd = open("bus", O_RDWR | O_CREAT | O_TRUNC, 0600);
        CHECK(fd >= 0);
        CHECK_OK(ftruncate(fd, 4096));
        volatile char *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
        CHECK(p != MAP_FAILED);
        zero = p[4096];
        break;
    }
    case 5:
        abort();
    case 6:
        zero = deep(0);
        break;
    case 7:
        breakpoint_instruction();
        break;
    }
    _exit(99);
}

int main(void)
{
    static const int want[] = { SIGSEGV, SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGABRT, SIGSEGV, SIGTRAP };
    for (int how = 0; how < 8; how++) {
#if defined(__aarch64__)
        /* AArch64's integer division by zero does not trap: SDIV and UDIV
         * give 0 (Arm ARM, "SDIV"), so no instruction raises SIGFPE. */
        if (how == 2) {
            CHECK_EQ(7 / zero, 0);
            continue;
        }
#endif
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            fault(how);
        int st = wait_status(pid);
        if (!WIFSIGNALED(st) || WTERMSIG(st) != want[how])
            FAIL("fault %d: status 0x%x, want killed by signal %d", how, st, want[how]);
    }
    /* The same worker threads serve new tasks that fault again. */
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0)
            fault(i % 2 ? 0 : 6);
        int st = wait_status(pid);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    }
    return 0;
}
