/* 10,000 sequential fork/_exit/waitpid: the host process's memory stays
 * flat (within 10% after warm-up) -- stacks, arenas, threads and task
 * records are all released. */
#include "tvmtest.h"
#include <fcntl.h>

static long rss_kib(void)
{
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);
    char buf[4096];
    size_t n = read_all(fd, buf, sizeof buf);
    close(fd);
    (void)n;
    char *p = strstr(buf, "VmRSS:");
    CHECK(p != NULL);
    return atol(p + 6);
}

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

int main(void)
{
    char *heap = malloc(256 * 1024);
    memset(heap, 1, 256 * 1024);
    forks(1000);
    long warm = rss_kib();
    forks(9000);
    long after = rss_kib();
    dprintf(1, "rss after warm-up %ld KiB, after 10000 forks %ld KiB\n", warm, after);
    CHECK(after * 10 <= warm * 11);
    return 0;
}
