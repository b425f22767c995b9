/*
 * signal_bench ROUNDS: a parent and a forked child; each round the parent
 * sends SIGUSR1, the child's handler writes a byte to a pipe, the parent
 * reads it. Prints nanoseconds per round. Built twice by the signal
 * benchmark: natively, and as a tvm guest.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int reply_fd;

static void on_usr1(int sig)
{
    (void)sig;
    char b = 'r';
    if (write(reply_fd, &b, 1) != 1)
        _exit(3);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        dprintf(2, "usage: signal_bench ROUNDS\n");
        return 2;
    }
    long rounds = atol(argv[1]);
    int p[2];
    if (pipe(p) != 0)
        return 1;
    struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    /* The child waits in sigsuspend with SIGUSR1 blocked in between, so a
     * signal is never lost; it is ready once it reports. */
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        reply_fd = p[1];
        close(p[0]);
        on_usr1(SIGUSR1);
        for (;;)
            sigsuspend(&wait_mask);
    }
    close(p[1]);
    char b;
    if (read(p[0], &b, 1) != 1)
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < rounds; i++) {
        if (kill(pid, SIGUSR1) != 0 || read(p[0], &b, 1) != 1)
            return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    dprintf(1, "%ld\n", ns / rounds);
    return 0;
}
