/*
 * What the host process was started with, read before Rust's runtime
 * changes it: Rust ignores SIGPIPE before main runs, so by the time the
 * runtime's own code can ask, the inherited disposition is gone. A
 * constructor runs earlier (the dynamic loader runs .init_array before
 * the program's main, and Rust's start-up code runs from main).
 */
#include <signal.h>
#include <stddef.h>

/* 1 when the process was started with SIGPIPE ignored. */
int tvm_sigpipe_ignored_at_start;

__attribute__((constructor)) static void tvm_record_sigpipe(void)
{
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0)
        tvm_sigpipe_ignored_at_start = sa.sa_handler == SIG_IGN;
}
