/* 10,000 sequential fork/_exit/waitpid leak nothing: after a warm-up, the
 * runtime's exact counters (tvm_memory_stats: host heap bytes in use,
 * guest mappings, task threads, tasks) do not climb.
 *
 * A leak is a slope, so the test fits a least-squares line through the
 * heap in use after each of ten batches of 1,000 forks and fails when it
 * rises by 8 bytes or more per fork; mappings, threads and tasks must end
 * where they started (the pools that reuse them are bounded). Counts, not
 * resident memory, so load on the machine changes nothing. Checked by
 * hand: a deliberate 64-byte leak per fork in the runtime (a Box leaked
 * in kernel::task::fork) fails it with a slope of about 80 bytes per fork
 * (64 plus the allocator's header), while the real runtime stays within
 * a few bytes of zero, also with two CPU-bound loops running. */
#include "tvmtest.h"
#include "tvm.h"

#define BATCHES 10
#define PER_BATCH 1000

static void forks(int n)
{
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0x7f);
        CHECK(pid > 0);
        CHECK_EQ(wait_exit(pid), i & 0x7f);
    }
}

static tvm_memory_stats_t stats(void)
{
    tvm_memory_stats_t s;
    CHECK_EQ(tvm_memory_stats(&s), 0);
    return s;
}

int main(void)
{
    CHECK_ERR(tvm_memory_stats(NULL), EFAULT);
    char *heap = malloc(256 * 1024);
    memset(heap, 1, 256 * 1024);
    forks(PER_BATCH);
    tvm_memory_stats_t first = stats(), s = first;
    double heap_at[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        forks(PER_BATCH);
        s = stats();
        heap_at[b] = (double)s.heap_bytes;
    }
    /* Least-squares slope of heap bytes against the fork count. */
    double mx = (BATCHES - 1) / 2.0, my = 0, sxy = 0, sxx = 0;
    for (int b = 0; b < BATCHES; b++)
        my += heap_at[b] / BATCHES;
    for (int b = 0; b < BATCHES; b++) {
        sxy += (b - mx) * (heap_at[b] - my);
        sxx += (b - mx) * (b - mx);
    }
    double per_fork = sxy / sxx / PER_BATCH;
    dprintf(1, "heap in use: %zu bytes after warm-up, %zu after %d more forks; slope %.2f bytes per fork\n",
            first.heap_bytes, s.heap_bytes, BATCHES * PER_BATCH, per_fork);
    dprintf(1, "mappings %zu -> %zu (%zu -> %zu bytes), threads %zu -> %zu, tasks %zu -> %zu\n", first.mappings,
            s.mappings, first.mapped_bytes, s.mapped_bytes, first.threads, s.threads, first.tasks, s.tasks);
    CHECK(per_fork < 8.0);
    CHECK_EQ(s.mappings, first.mappings);
    CHECK_EQ(s.mapped_bytes, first.mapped_bytes);
    CHECK(s.threads <= first.threads);
    CHECK_EQ(s.tasks, first.tasks);
    free(heap);
    return 0;
}
