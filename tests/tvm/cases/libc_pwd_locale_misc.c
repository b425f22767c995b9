/* The user database through per-task buffers (getpwnam, getpwuid, getgrgid,
 * getpwent from the start in each task); setlocale per task (a child's
 * change does not reach its parent, "" reads the task's environment);
 * tmpnam and tempnam; program_invocation_name; err/warn/assert output. */
#include "tvmtest.h"
#include <assert.h>
#include <err.h>
#include <grp.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>

static void warn_then_err(void *arg)
{
    (void)arg;
    dup2(1, 2);
    errno = ENOENT;
    warn("file %d", 7);
    warnx("plain");
    errx(3, "bye");
}

static void assert_fails(void *arg)
{
    (void)arg;
    dup2(1, 2);
    int x = 1;
    assert(x == 2);
}

int main(void)
{
    struct passwd *root = getpwnam("root");
    CHECK(root != NULL);
    CHECK_EQ(root->pw_uid, 0);
    CHECK_STR(root->pw_dir, "/root");
    struct passwd *again = getpwuid(0);
    CHECK_STR(again->pw_name, "root");
    CHECK_STR(root->pw_name, "root"); /* each function has its buffer */
    CHECK(getpwnam("no-such-user-here") == NULL);
    struct group *g = getgrgid(0);
    CHECK(g != NULL);
    CHECK_STR(g->gr_name, "root");

    setpwent();
    struct passwd *first = getpwent();
    CHECK(first != NULL);
    char first_name[64];
    snprintf(first_name, sizeof first_name, "%s", first->pw_name);
    struct passwd *second = getpwent();
    CHECK(second != NULL && strcmp(second->pw_name, first_name) != 0);
    /* A child enumerates on: its position was copied. */
    char second_name[64];
    snprintf(second_name, sizeof second_name, "%s", second->pw_name);
    pid_t pid = fork();
    if (pid == 0) {
        struct passwd *third = getpwent();
        _exit(third != NULL && strcmp(third->pw_name, second_name) != 0 && strcmp(third->pw_name, first_name) != 0
                  ? 0
                  : 1);
    }
    CHECK_EQ(wait_exit(pid), 0);
    setpwent();
    CHECK_STR(getpwent()->pw_name, first_name);
    endpwent();

    /* Locale per task. */
    CHECK_STR(setlocale(LC_ALL, NULL), "C");
    CHECK(setlocale(LC_ALL, "no_SUCH.locale") == NULL);
    CHECK_STR(setlocale(LC_ALL, NULL), "C");
    pid = fork();
    if (pid == 0) {
        setenv("LC_ALL", "C.UTF-8", 1);
        char *l = setlocale(LC_ALL, "");
        int ok = l != NULL && strcmp(l, "C.UTF-8") == 0 && strcmp(setlocale(LC_CTYPE, NULL), "C.UTF-8") == 0;
        /* A multibyte character now counts as one. */
        ok = ok && mblen("\xc3\xa9", 2) == 2;
        _exit(ok ? 0 : 1);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_STR(setlocale(LC_ALL, NULL), "C");
    CHECK_EQ(mblen("\xc3\xa9", 2), -1);
    CHECK_STR(setlocale(LC_NUMERIC, "POSIX"), "C");
    CHECK(setlocale(99, "C") == NULL);
    CHECK_STR(localeconv()->decimal_point, ".");

    char name[L_tmpnam];
    CHECK(tmpnam(name) == name);
    CHECK(strncmp(name, "/tmp/file", 9) == 0 && strlen(name) == 15);
    CHECK(access(name, F_OK) != 0);
    /* tempnam prefers $TMPDIR (test_tvm sets it) to its argument, and
     * takes the argument when TMPDIR is unset. */
    char want[PATH_MAX];
    tmp_path(want, sizeof want, "abcde");
    char *t = tempnam("/nonexistent", "abcdefg");
    CHECK(t != NULL && strncmp(t, want, strlen(want)) == 0 && strlen(t) == strlen(want) + 6);
    free(t);
    char *saved = strdup(getenv("TMPDIR"));
    CHECK_OK(unsetenv("TMPDIR"));
    t = tempnam("/", "ab");
    CHECK(t != NULL && strncmp(t, "/ab", 3) == 0 && strlen(t) == 9);
    free(t);
    CHECK_OK(setenv("TMPDIR", saved, 1));
    free(saved);

    CHECK_STR(program_invocation_short_name, "libc_pwd_locale_misc");
    CHECK_STR(program_invocation_name, "libc_pwd_locale_misc");

    char out[256];
    int st = capture_child(out, sizeof out, warn_then_err, NULL);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    CHECK_STR(out, "libc_pwd_locale_misc: file 7: No such file or directory\n"
                   "libc_pwd_locale_misc: plain\n"
                   "libc_pwd_locale_misc: bye\n");
    st = capture_child(out, sizeof out, assert_fails, NULL);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    CHECK(strstr(out, "libc_pwd_locale_misc: ") == out);
    CHECK(strstr(out, "libc_pwd_locale_misc.c:") != NULL);
    /* The function as the compiler names it: GCC "assert_fails", clang
     * "void assert_fails(void *)". */
    CHECK(strstr(out, "assert_fails") != NULL);
    CHECK(strstr(out, ": Assertion `x == 2' failed.\n") != NULL);

    errno = 0;
    CHECK(ttyname(999) == NULL);
    CHECK_EQ(errno, EBADF);
    int p[2];
    CHECK_OK(pipe(p));
    CHECK(ttyname(p[0]) == NULL);
    CHECK_EQ(errno, ENOTTY);
    return 0;
}
