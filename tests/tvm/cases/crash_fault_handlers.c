/* A guest's own handlers for the fault signals run, as on Linux: with a
 * siginfo naming the fault (si_code, si_addr); a handler may leave with
 * siglongjmp, end the task, or repair the cause, and returning re-runs the
 * faulting instruction. A fault whose signal is blocked, or a stack
 * overflow with no stack left for the handler, ends the task as if there
 * were none. */
#include "tvmtest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

static sigjmp_buf back;
static volatile sig_atomic_t hits;
static volatile int last_code;
static void *volatile last_addr;
static char *volatile page;

/* Writes to a low address that is never mapped. Through a volatile
 * pointer, so that an optimizing build (cargo bench's) does not reject a
 * constant address as out of bounds. */
static void poke_low(uintptr_t addr)
{
    volatile int *volatile p = (volatile int *)addr;
    *p = 1;
}

static void on_fault_jump(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last_code = si->si_code;
    last_addr = si->si_addr;
    siglongjmp(back, sig);
}

static void on_fault_exit(int sig)
{
    _exit(100 + sig);
}

static void on_fault_repair(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    hits++;
    last_addr = si->si_addr;
    CHECK_OK(mprotect(page, 4096, PROT_READ | PROT_WRITE));
}

static void catch_with(int sig, void (*h)(int, siginfo_t *, void *))
{
    struct sigaction sa = { .sa_sigaction = h, .sa_flags = SA_SIGINFO };
    CHECK_OK(sigaction(sig, &sa, NULL));
}

static volatile int depth_limit = 1 << 30;

static int recurse(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    if (n >= depth_limit)
        return 0;
    return recurse(n + 1) + pad[0];
}

#if !defined(__aarch64__)
static int zero(void)
{
    return 0;
}
#endif

int main(void)
{
    /* A null pointer, twice: the handler runs each time, with the
     * address, and the mask sigsetjmp saved comes back. */
    catch_with(SIGSEGV, on_fault_jump);
    for (int round = 0; round < 2; round++) {
        if (sigsetjmp(back, 1) == 0) {
            poke_low(16);
            FAIL("the null store went through");
        }
        CHECK_EQ(hits, round + 1);
        CHECK_EQ(last_code, SEGV_MAPERR);
        CHECK(last_addr == (void *)16);
    }

    /* SIGILL from an illegal instruction. */
    catch_with(SIGILL, on_fault_jump);
    if (sigsetjmp(back, 1) == 0) {
        illegal_instruction();
    }
    CHECK_EQ(hits, 3);

    /* Repair and return: the store runs again and succeeds. */
    page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    catch_with(SIGSEGV, on_fault_repair);
    page[8] = 42;
    CHECK_EQ(page[8], 42);
    CHECK_EQ(hits, 4);
    CHECK(last_addr == page + 8);

    /* A handler that ends the task: its parent sees the exit status. */
    pid_t pid;
#if !defined(__aarch64__) /* AArch64's division by zero gives 0, no SIGFPE */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGFPE, on_fault_exit);
        volatile int d = zero();
        volatile int x = 7 / d;
        (void)x;
        _exit(1);
    }
    CHECK_EQ(wait_exit(pid), 100 + SIGFPE);
#endif
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGTRAP, on_fault_exit);
        breakpoint_instruction();
        _exit(1);
    }
    CHECK_EQ(wait_exit(pid), 100 + SIGTRAP);

    /* A blocked fault signal ends the task despite its handler. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, on_fault_exit);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        poke_low(8);
        _exit(1);
    }
    int st = wait_status(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);

    /* An overflow leaves no stack for the handler. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, on_fault_exit);
        recurse(0);
        _exit(1);
    }
    st = wait_status(pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    return 0;
}
