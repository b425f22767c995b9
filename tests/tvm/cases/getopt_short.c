/* getopt: short options, arguments (attached, separate, optional), GNU
 * permutation, "--", '+' and '-' orderings, POSIXLY_CORRECT, ':' error
 * mode, glibc's error messages on the task's stderr, optind = 0 reset. */
#include "tvmtest.h"
#include <getopt.h>

#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])) - 1)

static char trace[256];

/* Runs getopt over argv, recording "c:arg," per result and the final
 * optind and remaining arguments. */
static const char *run(int argc, char **argv, const char *opts)
{
    optind = 0;
    trace[0] = '\0';
    int c;
    while ((c = getopt(argc, argv, opts)) != -1) {
        char piece[64];
        snprintf(piece, sizeof piece, "%c:%s,", c == 1 ? '1' : c, optarg ? optarg : "-");
        strcat(trace, piece);
    }
    char piece[64];
    snprintf(piece, sizeof piece, "|%d|", optind);
    strcat(trace, piece);
    for (int i = optind; i < argc; i++) {
        strcat(trace, argv[i]);
        strcat(trace, " ");
    }
    return trace;
}

static char errbuf[512];

/* Like run(), capturing what getopt printed on stderr into errbuf. */
static const char *run_err(int argc, char **argv, const char *opts)
{
    int p[2];
    CHECK_OK(pipe(p));
    int saved = dup(2);
    CHECK_OK(dup2(p[1], 2));
    close(p[1]);
    const char *t = run(argc, argv, opts);
    CHECK_OK(dup2(saved, 2));
    close(saved);
    read_all(p[0], errbuf, sizeof errbuf);
    close(p[0]);
    return t;
}

int main(void)
{
    char *v[] = { "prog", "-a", "-bfoo", "-b", "bar", "-cx", "-c", "file", "-ab", "val", NULL };
    CHECK_STR(run(ARGC(v), v, "ab:c::"), "a:-,b:foo,b:bar,c:x,c:-,a:-,b:val,|9|file ");
    /* Permutation moved the operand to the end. */
    CHECK_STR(v[9], "file");

    char *w[] = { "prog", "x", "-a", "y", "--", "-b", "z", NULL };
    CHECK_STR(run(ARGC(w), w, "ab"), "a:-,|3|x y -b z ");
    char *u[] = { "prog", "x", "-a", "y", NULL };
    CHECK_STR(run(ARGC(u), u, "+ab"), "|1|x -a y ");
    char *r[] = { "prog", "x", "-a", "y", NULL };
    CHECK_STR(run(ARGC(r), r, "-ab"), "1:x,a:-,1:y,|4|");
    CHECK_OK(setenv("POSIXLY_CORRECT", "1", 1));
    char *pc[] = { "prog", "-a", "x", "-b", NULL };
    CHECK_STR(run(ARGC(pc), pc, "ab"), "a:-,|2|x -b ");
    CHECK_OK(unsetenv("POSIXLY_CORRECT"));

    /* Errors: messages, '?', optopt; ':' mode reports a missing argument. */
    char *e[] = { "prog", "-z", "-b", NULL };
    CHECK_STR(run_err(ARGC(e), e, "ab:"), "?:-,?:-,|3|");
    CHECK_STR(errbuf, "prog: invalid option -- 'z'\nprog: option requires an argument -- 'b'\n");
    CHECK_EQ(optopt, 'b');
    char *e2[] = { "prog", "-z", "-b", NULL };
    CHECK_STR(run_err(ARGC(e2), e2, ":ab:"), "?:-,::-,|3|");
    CHECK_STR(errbuf, "");
    opterr = 0;
    char *e3[] = { "prog", "-z", NULL };
    CHECK_STR(run_err(ARGC(e3), e3, "a"), "?:-,|2|");
    CHECK_STR(errbuf, "");
    CHECK_EQ(optopt, 'z');
    opterr = 1;

    /* Restarting with optind = 1 after a finished scan works too. */
    char *again[] = { "prog", "-a", NULL };
    optind = 1;
    CHECK_EQ(getopt(ARGC(again), again, "a"), 'a');
    CHECK_EQ(getopt(ARGC(again), again, "a"), -1);
    return 0;
}
