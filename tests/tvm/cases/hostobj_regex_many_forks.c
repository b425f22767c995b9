/* 200 children of a process holding two regexes, 10 at a time, use them
 * at once; most regfree them, some exit without. The parent's regexes keep
 * working, and (under tvm) no host object outlives its last holder. */
#include "tvmtest.h"

#include <regex.h>

#ifdef TVM_SHIM_H
extern long tvm_host_object_refs(void);
#define CHECK_HOST_REFS(n) CHECK_EQ(tvm_host_object_refs(), (n))
#else
#define CHECK_HOST_REFS(n) ((void)0)
#endif

#define CHILDREN 200
#define BATCH 10

static void use(const regex_t *word, const regex_t *num, int i)
{
    char text[64];
    snprintf(text, sizeof text, "child %d says hi", i);
    regmatch_t m[1];
    CHECK_EQ(regexec(word, text, 1, m, 0), 0);
    CHECK_EQ(m[0].rm_so, 0);
    CHECK_EQ(m[0].rm_eo, 5);
    CHECK_EQ(regexec(num, text, 1, m, 0), 0);
    CHECK_EQ(m[0].rm_so, 6);
    CHECK_EQ(regexec(num, "none", 0, NULL, 0), REG_NOMATCH);
}

int main(void)
{
    regex_t word, num;
    CHECK_EQ(regcomp(&word, "[a-z]+", REG_EXTENDED), 0);
    CHECK_EQ(regcomp(&num, "[0-9]+", REG_EXTENDED), 0);
    CHECK_HOST_REFS(2);
    for (int b = 0; b < CHILDREN / BATCH; b++) {
        pid_t pids[BATCH];
        for (int k = 0; k < BATCH; k++) {
            int i = b * BATCH + k;
            pids[k] = fork();
            CHECK(pids[k] >= 0);
            if (pids[k] == 0) {
                for (int r = 0; r < 20; r++)
                    use(&word, &num, i);
                if (i % 4 != 3) {
                    regfree(&word);
                    regfree(&num);
                }
                exit(0);
            }
        }
        use(&word, &num, 999);
        for (int k = 0; k < BATCH; k++)
            CHECK_EQ(wait_exit(pids[k]), 0);
        CHECK_HOST_REFS(2);
    }
    use(&word, &num, 0);
    regfree(&num);
    CHECK_HOST_REFS(1);
    regfree(&word);
    CHECK_HOST_REFS(0);
    return 0;
}
