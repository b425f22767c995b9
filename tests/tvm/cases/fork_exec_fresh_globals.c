/* A forked child that execs runs the new program with fresh globals, and
 * the same program run again after changing its globals starts afresh. */
#include "tvmtest.h"

int initialized = 5; /* the same names as globals_report's */
char text[16] = "fresh";
int zeroed;

int main(void)
{
    initialized = 50;
    strcpy(text, "changed");
    zeroed = 7;
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        execl(TVMTEST_DIR "globals_report", "globals_report", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char out[64];
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(out, "5 fresh 0\n");
    CHECK_EQ(initialized, 50);
    CHECK_STR(text, "changed");
    return 0;
}
