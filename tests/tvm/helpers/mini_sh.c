/* mini_sh -c COMMAND: a very small /bin/sh for the popen and system tests.
 * COMMAND is words separated by blanks ('...' quotes a word; $$ is the
 * shell's pid). Built-ins: "exit N", "echo WORDS", "kill -SIG PID". A
 * word ">FILE" sends stdout to FILE. Anything else is run with execvp
 * (exit 127 when it cannot be found). */
#include "tvmtest.h"
#include <signal.h>

#define MAX_WORDS 32

static int split(char *line, char **words, char *dollars)
{
    int n = 0;
    char *p = line;
    while (*p != '\0' && n < MAX_WORDS - 1) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        char *start = p;
        if (*p == '\'') {
            start = ++p;
            while (*p != '\0' && *p != '\'')
                p++;
        } else {
            while (*p != '\0' && *p != ' ' && *p != '\t')
                p++;
        }
        if (*p != '\0')
            *p++ = '\0';
        words[n++] = strcmp(start, "$$") == 0 ? dollars : start;
    }
    words[n] = NULL;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "-c") != 0) {
        dprintf(2, "usage: mini_sh -c COMMAND\n");
        return 2;
    }
    char dollars[16];
    snprintf(dollars, sizeof dollars, "%d", (int)getpid());
    char *words[MAX_WORDS];
    int n = split(argv[2], words, dollars);
    int kept = 0;
    for (int i = 0; i < n; i++) {
        if (words[i][0] == '>') {
            int fd = open(words[i] + 1, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 1) < 0)
                return 1;
            close(fd);
        } else {
            words[kept++] = words[i];
        }
    }
    words[kept] = NULL;
    if (kept == 0)
        return 0;
    if (strcmp(words[0], "exit") == 0)
        return kept > 1 ? atoi(words[1]) : 0;
    if (strcmp(words[0], "echo") == 0) {
        for (int i = 1; i < kept; i++)
            dprintf(1, "%s%s", words[i], i + 1 < kept ? " " : "");
        dprintf(1, "\n");
        return 0;
    }
    if (strcmp(words[0], "kill") == 0 && kept == 3 && words[1][0] == '-') {
        if (kill(atoi(words[2]), atoi(words[1] + 1)) != 0)
            return 1;
        return 0;
    }
    execvp(words[0], words);
    return 127;
}
