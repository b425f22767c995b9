/* The embedding app's own program: it runs as a forkless task. It has
 * globals and forks, so it goes through the guest build (guest-cc), which
 * gives every task its own copy of them. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 40;
static char last_word[32] = "none";

int main(int argc, char **argv)
{
    counter++;
    if (argc > 1)
        snprintf(last_word, sizeof last_word, "%s", argv[1]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("app: fork");
        return 1;
    }
    if (pid == 0) {
        counter += 100;
        strcpy(last_word, "child");
        printf("child: counter %d, word %s\n", counter, last_word);
        return 3;
    }
    int st;
    waitpid(pid, &st, 0);
    printf("parent: counter %d, word %s, child exited %d\n", counter, last_word, WEXITSTATUS(st));

    /* The host's custom device. */
    FILE *f = fopen("/dev/greeting", "r");
    if (f == NULL) {
        perror("app: /dev/greeting");
        return 1;
    }
    char line[64];
    if (fgets(line, sizeof line, f) != NULL)
        printf("device: %s", line);
    fclose(f);
    return 0;
}
