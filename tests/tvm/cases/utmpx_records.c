/* Login records are the runtime's own (crt::utmpx), not the host's utmp
 * file: a record one task writes with pututxline, every task reads; a
 * DEAD_PROCESS record with the same ut_id replaces it (a logout);
 * getutxline finds a login by its line, getutxid by its id. */
#include "tvmtest.h"
#include <utmpx.h>

static int logins(const char *line)
{
    int n = 0;
    setutxent();
    for (struct utmpx *u; (u = getutxent()) != NULL;)
        if (u->ut_type == USER_PROCESS && (line == NULL || strncmp(u->ut_line, line, sizeof u->ut_line) == 0))
            n++;
    endutxent();
    return n;
}

static struct utmpx record(short type, const char *id, const char *line)
{
    struct utmpx u;
    memset(&u, 0, sizeof u);
    u.ut_type = type;
    strncpy(u.ut_id, id, sizeof u.ut_id);
    strncpy(u.ut_line, line, sizeof u.ut_line);
    return u;
}

int main(void)
{
    int before = logins(NULL);
    CHECK_EQ(logins("tvm/77"), 0);

    struct utmpx in = record(USER_PROCESS, "tv77", "tvm/77");
    strncpy(in.ut_user, "alice", sizeof in.ut_user);
    strncpy(in.ut_host, "192.0.2.7", sizeof in.ut_host);
    in.ut_pid = getpid();
    setutxent();
    struct utmpx *put = pututxline(&in);
    CHECK(put != NULL);
    CHECK_STR(put->ut_user, "alice");
    endutxent();
    CHECK_EQ(logins(NULL), before + 1);
    CHECK_EQ(logins("tvm/77"), 1);

    /* Another task sees it, finds it by line, and logs it out. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct utmpx key = record(LOGIN_PROCESS, "", "tvm/77");
        setutxent();
        struct utmpx *u = getutxline(&key);
        if (u == NULL || strcmp(u->ut_host, "192.0.2.7") != 0 || u->ut_pid != getppid())
            _exit(3);
        struct utmpx out = record(DEAD_PROCESS, "tv77", "tvm/77");
        if (pututxline(&out) == NULL)
            _exit(4);
        endutxent();
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(logins("tvm/77"), 0);
    CHECK_EQ(logins(NULL), before);

    /* The logout replaced the login: one record with that id, dead. */
    struct utmpx key = record(DEAD_PROCESS, "tv77", "");
    setutxent();
    struct utmpx *u = getutxid(&key);
    CHECK(u != NULL);
    CHECK_EQ(u->ut_type, DEAD_PROCESS);
    CHECK(getutxid(&key) == NULL);
    endutxent();
    return 0;
}
