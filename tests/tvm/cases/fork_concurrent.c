/* Eight tasks fork at the same time, many times each, each child checking
 * its copy of globals, stack and heap. */
#include "tvmtest.h"

int shared_looking = 0;

static int worker(int id)
{
    char *heap = malloc(4096);
    for (int round = 0; round < 40; round++) {
        shared_looking = id * 1000 + round;
        memset(heap, id, 4096);
        int local = round;
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0) {
            int ok = shared_looking == id * 1000 + round && local == round && heap[4095] == id;
            shared_looking = -1;
            heap[0] = 0;
            _exit(ok ? 0 : 3);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return 4;
        if (shared_looking != id * 1000 + round || heap[0] != id)
            return 5;
    }
    return 0;
}

int main(void)
{
    pid_t pids[8];
    for (int i = 0; i < 8; i++) {
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(worker(i + 1));
    }
    for (int i = 0; i < 8; i++)
        CHECK_EQ(wait_exit(pids[i]), 0);
    return 0;
}
