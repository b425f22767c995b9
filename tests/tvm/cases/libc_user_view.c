/* The user database as tasks see it: the host user's login shell is one
 * that runs inside forkless (the host's /bin/bash is not registered, so it
 * shows as /bin/sh), passwords are always shadowed ("x"), and the shadow
 * database has the host user only, locked ("!") when forkless was given no
 * password; other names are unknown (ENOENT). crypt(3) gives the host
 * libcrypt's hashes, with a result buffer per task: tasks hashing at once
 * each get their own. */
#include "tvmtest.h"
#include <crypt.h>
#include <pwd.h>
#include <shadow.h>

static int runnable(const char *path)
{
    return access(path, X_OK) == 0;
}

int main(void)
{
    struct passwd *pw = getpwuid(getuid());
    CHECK(pw != NULL);
    CHECK_STR(pw->pw_passwd, "x");
    CHECK(runnable(pw->pw_shell));
    char name[64];
    snprintf(name, sizeof name, "%s", pw->pw_name);
    pw = getpwnam(name);
    CHECK(pw != NULL);
    CHECK_STR(pw->pw_passwd, "x");

    struct spwd *sp = getspnam(name);
    CHECK(sp != NULL);
    CHECK_STR(sp->sp_namp, name);
    CHECK_STR(sp->sp_pwdp, "!");
    errno = 0;
    CHECK(getspnam("forkless-no-such-user") == NULL);
    CHECK_EQ(errno, ENOENT);
    if (strcmp(name, "root") != 0) {
        errno = 0;
        CHECK(getspnam("root") == NULL);
        CHECK_EQ(errno, ENOENT);
    }

    /* Known answers: SHA-512 crypt ("$6$") of "password" with salt
     * "saltsalt" (as the host's own crypt gives it). */
    const char *want = "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/";
    char *h = crypt("password", "$6$saltsalt$");
    CHECK(h != NULL);
    CHECK_STR(h, want);
    errno = 0;
    CHECK(crypt("password", "$99$bad") == NULL);
    CHECK(errno != 0);

    /* Two tasks hashing at once keep their own results. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int ok = 1;
        for (int i = 0; i < 200 && ok; i++)
            ok = strcmp(crypt("other", "$1$abcdefgh$"), "$1$abcdefgh$0cZDBA1/jdY3VmuMpelFJ1") == 0;
        _exit(ok ? 0 : 1);
    }
    int ok = 1;
    for (int i = 0; i < 200 && ok; i++)
        ok = strcmp(crypt("password", "$6$saltsalt$"), want) == 0;
    CHECK(ok);
    CHECK_EQ(wait_exit(pid), 0);
    return 0;
}
