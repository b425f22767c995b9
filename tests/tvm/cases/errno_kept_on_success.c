/* A call that succeeds leaves errno alone, even when the runtime met an
 * error on its way (a pipe read that had to wait first sees EAGAIN from
 * the host). toybox's grep reads errno after getline returns -1 at EOF. */
#include "tvmtest.h"
#include <sys/wait.h>

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        usleep(50000);
        write_all(p[1], "one\n", 4);
        usleep(50000);
        write_all(p[1], "two\n", 4);
        _exit(0);
    }
    close(p[1]);
    char buf[8];
    errno = 0;
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);
    CHECK_EQ(errno, 0);

    FILE *in = fdopen(p[0], "r");
    CHECK(in != NULL);
    char *line = NULL;
    size_t cap = 0;
    CHECK_EQ(getline(&line, &cap, in), 4);
    CHECK_EQ(errno, 0);
    CHECK_EQ(getline(&line, &cap, in), -1);
    CHECK_EQ(errno, 0);
    CHECK(feof(in));
    free(line);
    fclose(in);

    errno = 0;
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(errno, 0);
    /* A failing call still reports its error. */
    CHECK_ERR(read(-1, buf, 1), EBADF);
    return 0;
}
