/* Addresses of the host C library's thread-locals taken before fork (as a
 * compiler may do with errno's) name the child's own after fork: the child
 * runs on another thread. */
#include "tvmtest.h"
#include <ctype.h>
#include <pthread.h>

int main(void)
{
    int *volatile err = &errno;
    const unsigned short **volatile ctype = __ctype_b_loc();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (err != &errno)
            _exit(1);
        if (ctype != __ctype_b_loc())
            _exit(2);
        close(-1);
        _exit(*err == EBADF ? 0 : 3);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK(err == &errno);
    return 0;
}
