/* getopt_long and getopt_long_only: exact and abbreviated names,
 * ambiguity, "=value" and separate arguments, optional arguments, flag
 * pointers, longindex, and glibc's messages for each error. */
#include "tvmtest.h"
#include <getopt.h>

#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])) - 1)

static int verbose_flag;
static const struct option opts[] = {
    { "verbose", no_argument, &verbose_flag, 7 },
    { "output", required_argument, NULL, 'o' },
    { "color", optional_argument, NULL, 'C' },
    { "colour", optional_argument, NULL, 'C' },
    { "count", required_argument, NULL, 'n' },
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
};

static char trace[512];
static char errbuf[512];

static const char *run(int argc, char **argv, int long_only)
{
    optind = 0;
    trace[0] = '\0';
    int p[2];
    CHECK_OK(pipe(p));
    int saved = dup(2);
    CHECK_OK(dup2(p[1], 2));
    close(p[1]);
    int c, idx;
    for (;;) {
        idx = -1;
        c = long_only ? getopt_long_only(argc, argv, "ao:", opts, &idx) : getopt_long(argc, argv, "ao:", opts, &idx);
        if (c == -1)
            break;
        char piece[64];
        snprintf(piece, sizeof piece, "%c/%d/%s,", c == 0 ? '0' : c, idx, optarg ? optarg : "-");
        strcat(trace, piece);
    }
    CHECK_OK(dup2(saved, 2));
    close(saved);
    read_all(p[0], errbuf, sizeof errbuf);
    close(p[0]);
    char piece[16];
    snprintf(piece, sizeof piece, "|%d", optind);
    strcat(trace, piece);
    return trace;
}

int main(void)
{
    char *v[] = { "prog", "--verbose", "--output=f1", "--output", "f2", "--col", "--color=red", "--all", "x", NULL };
    /* --col is ambiguous by name but color and colour are the same option. */
    CHECK_STR(run(ARGC(v), v, 0), "0/0/-,o/1/f1,o/1/f2,C/2/-,C/2/red,a/5/-,|8");
    CHECK_EQ(verbose_flag, 7);
    CHECK_STR(errbuf, "");

    char *ab[] = { "prog", "--verb", "--out", "f", "--a", NULL };
    CHECK_STR(run(ARGC(ab), ab, 0), "0/0/-,o/1/f,a/5/-,|5");

    /* colour repeats color, so only the options that differ are listed. */
    char *amb[] = { "prog", "--co=1", NULL };
    CHECK_STR(run(ARGC(amb), amb, 0), "?/-1/-,|2");
    CHECK_STR(errbuf, "prog: option '--co=1' is ambiguous; possibilities: '--color' '--count'\n");
    CHECK_EQ(optopt, 0);

    char *bad[] = { "prog", "--nope=3", "--all=yes", "--output", NULL };
    CHECK_STR(run(ARGC(bad), bad, 0), "?/-1/-,?/-1/-,?/-1/-,|4");
    CHECK_STR(errbuf, "prog: unrecognized option '--nope=3'\n"
                      "prog: option '--all' doesn't allow an argument\n"
                      "prog: option '--output' requires an argument\n");
    CHECK_EQ(optopt, 'o');

    /* getopt_long_only: one dash starts a long option; a single known
     * short letter is still a short option. */
    char *lo[] = { "prog", "-verbose", "-output=x", "-a", "-o", "y", "-zz", NULL };
    CHECK_STR(run(ARGC(lo), lo, 1), "0/0/-,o/1/x,a/-1/-,o/-1/y,?/-1/-,|7");
    CHECK_STR(errbuf, "prog: unrecognized option '-zz'\n");
    return 0;
}
