/* RLIMIT_CPU: a task that computes past its soft limit gets SIGXCPU
 * (default action: it dies of it); one that catches SIGXCPU gets it again
 * every second and SIGKILL at the hard limit. Time spent before the limit
 * was set counts, as on Linux; a sleeping task uses none. */
#include "tvmtest.h"
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

static int report[2];

static void on_xcpu(int s)
{
    (void)s;
    write(report[1], "x", 1);
}

static void spin(void)
{
    volatile unsigned long x = 0;
    for (;;)
        x++;
}

static pid_t limited(rlim_t soft, rlim_t hard, int catch)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (catch) {
            struct sigaction sa = { .sa_handler = on_xcpu };
            CHECK_OK(sigaction(SIGXCPU, &sa, NULL));
        }
        struct rlimit l = { soft, hard };
        CHECK_OK(setrlimit(RLIMIT_CPU, &l));
        spin();
    }
    return pid;
}

int main(void)
{
    CHECK_OK(pipe(report));

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t a = limited(1, RLIM_INFINITY, 0);
    int st = wait_status(a);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGXCPU);
    double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (took < 0.9 || took > 10)
        FAIL("SIGXCPU came after %.2f s of a 1 s limit", took);

    pid_t b = limited(1, 3, 1);
    st = wait_status(b);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
    close(report[1]);
    char buf[16];
    ssize_t n = read(report[0], buf, sizeof buf);
    if (n < 1 || n > 3)
        FAIL("%zd SIGXCPU before the hard limit, want 1 to 3", n);

    /* A sleeping task under a 1 s limit lives on. */
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        struct rlimit l = { 1, 1 };
        CHECK_OK(setrlimit(RLIMIT_CPU, &l));
        sleep(2);
        _exit(4);
    }
    CHECK_EQ(wait_exit(c), 4);
    return 0;
}
