/* RLIMIT_DATA and RLIMIT_AS bound a task's heap: malloc past them returns
 * NULL with ENOMEM (the task and the host go on), freeing makes room
 * again, and a child inherits the bound. RLIMIT_STACK sizes the stack of
 * the next image: a program that needs more than it dies of SIGSEGV,
 * with enough it runs. */
#include "tvmtest.h"
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>

#define MiB (1 << 20)

static void *blocks[256];

/* Allocates 1 MiB blocks until malloc fails; returns how many. */
static size_t fill(void)
{
    size_t n = 0;
    while (n < 256) {
        errno = 0;
        blocks[n] = malloc(MiB);
        if (blocks[n] == NULL) {
            CHECK_EQ(errno, ENOMEM);
            break;
        }
        memset(blocks[n], 1, MiB);
        n++;
    }
    return n;
}

static void release(size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(blocks[i]);
}

static void heap_bound(int resource)
{
    struct rlimit old, lim = { 32 * MiB, RLIM_INFINITY };
    CHECK_OK(getrlimit(resource, &old));
    lim.rlim_max = old.rlim_max;
    CHECK_OK(setrlimit(resource, &lim));
    errno = 0;
    void *big = malloc(64 * MiB);
    if (big != NULL)
        FAIL("malloc of 64 MiB under a 32 MiB limit gave %p", big);
    CHECK_EQ(errno, ENOMEM);
    size_t n = fill();
    if (n < 16 || n >= 32)
        FAIL("%zu MiB allocated under a 32 MiB limit", n);
    release(n);
    /* Room again after free. */
    void *p = malloc(8 * MiB);
    CHECK(p != NULL);
    free(p);
    /* A child inherits the bound. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        size_t m = fill();
        _exit(m >= 16 && m < 32 ? 0 : 1);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_OK(setrlimit(resource, &old));
    n = fill();
    if (n != 256)
        FAIL("only %zu MiB after the limit was lifted", n);
    release(n);
}

/* Runs the helper that uses `kib` KiB of stack under a stack limit of
 * `limit_kib`; returns its wait status. */
static int stack_run(size_t limit_kib, size_t kib)
{
    struct rlimit old, lim;
    CHECK_OK(getrlimit(RLIMIT_STACK, &old));
    lim.rlim_cur = limit_kib << 10;
    lim.rlim_max = old.rlim_max;
    CHECK_OK(setrlimit(RLIMIT_STACK, &lim));
    char arg[32];
    snprintf(arg, sizeof arg, "%zu", kib);
    char *argv[] = { "use_stack", arg, NULL };
    pid_t pid;
    CHECK_EQ(posix_spawn(&pid, TVMTEST_DIR "use_stack", NULL, NULL, argv, NULL), 0);
    CHECK_OK(setrlimit(RLIMIT_STACK, &old));
    return wait_status(pid);
}

int main(void)
{
    heap_bound(RLIMIT_DATA);
    heap_bound(RLIMIT_AS);

    int st = stack_run(1024, 4096);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGSEGV);
    st = stack_run(16384, 4096);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    return 0;
}
