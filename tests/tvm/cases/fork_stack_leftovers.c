/* A stack buffer that a program filled only in part comes through fork as
 * it was. Without zeroed locals it held the pointers an earlier call left
 * at the same depth, fork took them (and a short string over the low bytes
 * of one) for pointers into the stack and moved them, and the child's
 * buffer differed from the parent's (tty_ctty's child then opened
 * "/dev/pts/0" followed by garbage). */
#include "tvmtest.h"

#include <stdint.h>

enum { SLOTS = 64 };

/* Leaves pointers into the caller's frame at this depth of the stack. */
__attribute__((noinline)) static void leave_pointers(char *target)
{
    volatile uintptr_t slots[SLOTS];
    for (int i = 0; i < SLOTS; i++)
        slots[i] = (uintptr_t)(target + i);
    (void)slots[SLOTS - 1];
}

/* A buffer at the same depth with only a short string in it, then fork:
 * the child sends its view of the whole buffer back. */
__attribute__((noinline)) static void fork_with_partial_buffer(int in, int out)
{
    char buf[SLOTS * sizeof(uintptr_t)];
    memcpy(buf, "ab", 3);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        write_all(out, buf, sizeof buf);
        _exit(0);
    }
    char child[sizeof buf];
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(read(in, child, sizeof child), (ssize_t)sizeof child);
    CHECK(memcmp(buf, child, sizeof buf) == 0);
}

int main(void)
{
    char frame[SLOTS];
    memset(frame, 1, sizeof frame);
    int p[2];
    CHECK_OK(pipe(p));
    for (int i = 0; i < 20; i++) {
        leave_pointers(frame);
        fork_with_partial_buffer(p[0], p[1]);
    }
    return 0;
}
