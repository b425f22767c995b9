/* tls_probe [again]: prints a thread-local counter's value, changes it,
 * then with "again" execs itself: a fresh image must see the initial value. */
#include "tvmtest.h"

static _Thread_local int counter = 7;

int main(int argc, char **argv)
{
    dprintf(1, "%d\n", counter);
    counter = 99;
    if (argc > 1 && strcmp(argv[1], "again") == 0) {
        execl(TVMTEST_DIR "tls_probe", "tls_probe", (char *)NULL);
        FAIL("execl: %s", strerror(errno));
    }
    return 0;
}
