/* print_ids: prints "pid ppid pgid sid". */
#include "tvmtest.h"

int main(void)
{
    dprintf(1, "%d %d %d %d\n", (int)getpid(), (int)getppid(), (int)getpgrp(), (int)getsid(0));
    return 0;
}
