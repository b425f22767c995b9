/* getenv, setenv, unsetenv, putenv, clearenv and direct use of environ
 * behave as in glibc. */
#include "tvmtest.h"

int main(void)
{
    CHECK_OK(setenv("A", "1", 1));
    CHECK_STR(getenv("A"), "1");
    CHECK_OK(setenv("A", "2", 0));
    CHECK_STR(getenv("A"), "1");
    CHECK_OK(setenv("A", "3", 1));
    CHECK_STR(getenv("A"), "3");
    CHECK_OK(setenv("EMPTY", "", 1));
    CHECK_STR(getenv("EMPTY"), "");
    CHECK(getenv("NOPE") == NULL);
    CHECK(getenv("A=") == NULL);

    /* putenv puts the string itself in the environment. */
    char s[] = "P=first";
    CHECK_OK(putenv(s));
    CHECK_STR(getenv("P"), "first");
    memcpy(s + 2, "later", 6);
    CHECK_STR(getenv("P"), "later");
    char u[] = "P";
    CHECK_OK(putenv(u));
    CHECK(getenv("P") == NULL);

    CHECK_OK(unsetenv("A"));
    CHECK(getenv("A") == NULL);
    CHECK_OK(unsetenv("NEVER_SET"));

    /* environ is visible and assignable. */
    int found = 0;
    for (char **e = environ; *e; e++)
        found += strcmp(*e, "EMPTY=") == 0;
    CHECK_EQ(found, 1);
    char *custom[] = { "ONE=1", "TWO=2", NULL };
    environ = custom;
    CHECK_STR(getenv("TWO"), "2");
    CHECK(getenv("EMPTY") == NULL);
    char out[256];
    CHECK_EQ(capture_helper(out, sizeof out, "print_env", NULL), 0);
    CHECK_STR(out, "ONE=1\nTWO=2\n");
    CHECK_OK(setenv("THREE", "3", 1));
    CHECK_STR(getenv("THREE"), "3");
    CHECK_STR(getenv("ONE"), "1");

    CHECK_EQ(clearenv(), 0);
    CHECK(environ == NULL);
    CHECK(getenv("ONE") == NULL);
    CHECK_OK(setenv("AFTER", "yes", 1));
    CHECK_STR(environ[0], "AFTER=yes");
    CHECK(environ[1] == NULL);
    for (int i = 0; i < 200; i++) {
        char name[16];
        snprintf(name, sizeof name, "V%d", i);
        CHECK_OK(setenv(name, name, 1));
    }
    CHECK_STR(getenv("V199"), "V199");
    CHECK_STR(getenv("AFTER"), "yes");
    return 0;
}
