/*
 * fork_bench HEAP_KIB ROUNDS: allocates and touches a heap of HEAP_KIB KiB,
 * then times ROUNDS of fork + _exit + waitpid. Prints nanoseconds per round.
 * Built twice by the fork benchmark: natively, and as a tvm guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        dprintf(2, "usage: fork_bench HEAP_KIB ROUNDS\n");
        return 2;
    }
    long kib = atol(argv[1]);
    long rounds = atol(argv[2]);
    char *heap = malloc((size_t)kib * 1024);
    if (heap == NULL)
        return 1;
    memset(heap, 0x5a, (size_t)kib * 1024);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < rounds; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) != pid)
            return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
    dprintf(1, "%ld\n", ns / rounds);
    free(heap);
    return 0;
}
