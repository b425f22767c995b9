/* getusershell's list and position belong to each task: many tasks
 * walking it at once each see the whole list, with /bin/sh on it (the
 * host C library's one list, shared by all tasks, corrupted the host heap
 * when dropbear's sessions checked their shells at the same moment). */
#include "tvmtest.h"
#include <string.h>
#include <sys/wait.h>

#define TASKS 8
#define ROUNDS 1500

static int walk(void)
{
    int n = 0, has_sh = 0;
    setusershell();
    for (char *s; (s = getusershell()) != NULL; n++) {
        if (s[0] != '/')
            return -1;
        if (strcmp(s, "/bin/sh") == 0)
            has_sh = 1;
    }
    endusershell();
    return has_sh ? n : -1;
}

int main(void)
{
    int expect = walk();
    CHECK(expect > 0);
    pid_t kids[TASKS];
    for (int i = 0; i < TASKS; i++) {
        kids[i] = fork();
        CHECK(kids[i] >= 0);
        if (kids[i] == 0) {
            for (int r = 0; r < ROUNDS; r++)
                if (walk() != expect)
                    _exit(1);
            _exit(0);
        }
    }
    for (int i = 0; i < TASKS; i++)
        CHECK_EQ(wait_exit(kids[i]), 0);
    return 0;
}
