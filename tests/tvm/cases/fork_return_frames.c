/* A child returns normally through several frames, and finally from main;
 * its exit status is main's return value. */
#include "tvmtest.h"

static int depth3(int *out)
{
    int local = 7;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    *out = local + (pid == 0 ? 100 : 0);
    return pid;
}

static int depth2(int *out)
{
    char pad[200];
    memset(pad, 'x', sizeof pad);
    int r = depth3(out);
    return pad[199] == 'x' ? r : -2;
}

static int depth1(int *out)
{
    int r = depth2(out);
    return r;
}

int main(void)
{
    int value = 0;
    pid_t pid = depth1(&value);
    if (pid == 0)
        return value == 107 ? 42 : 1; /* the child returns from main */
    CHECK(pid > 0);
    CHECK_EQ(value, 7);
    CHECK_EQ(wait_exit(pid), 42);
    return 0;
}
