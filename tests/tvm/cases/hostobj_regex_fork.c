/* A regex compiled before fork works in the parent and the child; each
 * regfrees its own (either first), or exits, execs or is killed without;
 * the other keeps using it. Under tvm the compiled internals are host
 * memory shared by both, freed with the last reference. */
#include "tvmtest.h"

#include <regex.h>
#include <signal.h>

#ifdef TVM_SHIM_H
/* tvm's count of references to host objects (a test hook). */
extern long tvm_host_object_refs(void);
#define CHECK_HOST_REFS(n) CHECK_EQ(tvm_host_object_refs(), (n))
#else
#define CHECK_HOST_REFS(n) ((void)0)
#endif

/* `re` matches "abbbc" with group 1 "bbb", and not "abd". */
static void check_match(const regex_t *re)
{
    regmatch_t m[2];
    CHECK_EQ(regexec(re, "abbbc", 2, m, 0), 0);
    CHECK_EQ(m[0].rm_so, 0);
    CHECK_EQ(m[0].rm_eo, 5);
    CHECK_EQ(m[1].rm_so, 1);
    CHECK_EQ(m[1].rm_eo, 4);
    CHECK_EQ(regexec(re, "abd", 0, NULL, 0), REG_NOMATCH);
    CHECK_EQ(re->re_nsub, 1);
}

static void compile(regex_t *re)
{
    CHECK_EQ(regcomp(re, "^a(b+)c$", REG_EXTENDED), 0);
    check_match(re);
}

/* The child regfrees first, then the parent. */
static void child_frees_first(void)
{
    regex_t re;
    compile(&re);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK_HOST_REFS(2);
        check_match(&re);
        regfree(&re);
        CHECK_HOST_REFS(1);
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_HOST_REFS(1);
    check_match(&re);
    regfree(&re);
}

/* The parent regfrees first; the child, waiting on a pipe until then,
 * still uses its regex, then frees it. */
static void parent_frees_first(void)
{
    regex_t re;
    compile(&re);
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[1]);
        char c;
        CHECK_EQ(read(p[0], &c, 1), 0);
        CHECK_HOST_REFS(1);
        check_match(&re);
        check_match(&re);
        regfree(&re);
        CHECK_HOST_REFS(0);
        exit(0);
    }
    close(p[0]);
    check_match(&re);
    regfree(&re);
    CHECK(re.buffer == NULL);
    close(p[1]);
    CHECK_EQ(wait_exit(pid), 0);
}

/* Children that end holding the regex: exit, _exit, exec, SIGKILL. */
static void children_end_holding(void)
{
    regex_t re;
    compile(&re);
    for (int how = 0; how < 4; how++) {
        int p[2];
        CHECK_OK(pipe(p));
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            check_match(&re);
            if (how == 0)
                exit(3);
            if (how == 1)
                _exit(3);
            if (how == 2) {
                char *argv[] = { "exit_with", "3", NULL };
                execv(TVMTEST_DIR "exit_with", argv);
                _exit(99);
            }
            close(p[1]);
            for (;;)
                pause();
        }
        close(p[1]);
        if (how == 3) {
            char c;
            CHECK_EQ(read(p[0], &c, 1), 0);
            CHECK_OK(kill(pid, SIGKILL));
            int st = wait_status(pid);
            CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        } else {
            CHECK_EQ(wait_exit(pid), 3);
        }
        close(p[0]);
        check_match(&re);
        CHECK_HOST_REFS(1);
    }
    regfree(&re);
    CHECK_HOST_REFS(0);
}

/* Case-insensitive (a translation table), REG_NOSUB and REG_NEWLINE
 * regexes across fork; a grandchild; regerror; a second regfree of a freed
 * regex_t is harmless. */
static void flags_and_errors(void)
{
    regex_t icase, nosub, nl;
    CHECK_EQ(regcomp(&icase, "hello+", REG_EXTENDED | REG_ICASE), 0);
    CHECK_EQ(regcomp(&nosub, "[0-9]{3}", REG_EXTENDED | REG_NOSUB), 0);
    CHECK_EQ(regcomp(&nl, "^two$", REG_NEWLINE), 0);
    CHECK_HOST_REFS(3);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK_EQ(regexec(&icase, "say HeLLOOO", 0, NULL, 0), 0);
        pid_t g = fork();
        CHECK(g >= 0);
        if (g == 0) {
            CHECK_HOST_REFS(9);
            CHECK_EQ(regexec(&nosub, "ab123", 0, NULL, 0), 0);
            regfree(&nosub);
            regfree(&icase);
            CHECK_HOST_REFS(7);
            exit(0);
        }
        CHECK_EQ(wait_exit(g), 0);
        CHECK_HOST_REFS(6);
        CHECK_EQ(regexec(&nosub, "ab12", 0, NULL, 0), REG_NOMATCH);
        CHECK_EQ(regexec(&nl, "one\ntwo\nthree", 0, NULL, 0), 0);
        regfree(&icase);
        exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_HOST_REFS(3);
    CHECK_EQ(regexec(&icase, "HELLO", 0, NULL, 0), 0);
    CHECK_EQ(regexec(&nosub, "x999", 0, NULL, 0), 0);
    regfree(&icase);
    regfree(&nosub);
    regfree(&nl);
    regfree(&nl);
    CHECK(nl.buffer == NULL && nl.fastmap == NULL && nl.translate == NULL);
    CHECK_HOST_REFS(0);

    regex_t bad;
    int rc = regcomp(&bad, "a(b", REG_EXTENDED);
    CHECK_EQ(rc, REG_EPAREN);
    char msg[128];
    size_t n = regerror(rc, &bad, msg, sizeof msg);
    CHECK(n > 1 && n <= sizeof msg && strlen(msg) == n - 1);
    CHECK_EQ(regerror(rc, &bad, msg, 4), n);
    CHECK_EQ(strlen(msg), 3);
    CHECK_HOST_REFS(0);
}

int main(void)
{
    CHECK_HOST_REFS(0);
    child_frees_first();
    CHECK_HOST_REFS(0);
    parent_frees_first();
    CHECK_HOST_REFS(0);
    children_end_holding();
    flags_and_errors();
    return 0;
}
