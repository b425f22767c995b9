/* A "#!" script runs its interpreter with the script path and arguments,
 * as Linux does, including nested scripts. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

static void script(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    CHECK(fd >= 0);
    write_all(fd, text, strlen(text));
    close(fd);
}

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-shebang-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char s1[256], s2[256], text[512], out[1024], want[1024];
    snprintf(s1, sizeof s1, "%s/one", dir);
    snprintf(s2, sizeof s2, "%s/two", dir);
    script(s1, "#!" TVMTEST_DIR "echo_args  -opt  \nignored\n");
    snprintf(text, sizeof text, "#! %s\n", s1);
    script(s2, text);

    char *argv[] = { "given-name", "a", "b c", NULL };
    CHECK_EQ(capture_spawn(out, sizeof out, NULL, s1, argv, environ, NULL), 0);
    snprintf(want, sizeof want, "argc=5\n0:" TVMTEST_DIR "echo_args\n1:-opt\n2:%s\n3:a\n4:b c\n", s1);
    CHECK_STR(out, want);
    CHECK_EQ(capture_spawn(out, sizeof out, NULL, s2, argv, environ, NULL), 0);
    snprintf(want, sizeof want, "argc=6\n0:" TVMTEST_DIR "echo_args\n1:-opt\n2:%s\n3:%s\n4:a\n5:b c\n", s1, s2);
    CHECK_STR(out, want);

    pid_t pid;
    CHECK_OK(chmod(s1, 0644));
    CHECK_EQ(posix_spawn(&pid, s1, NULL, NULL, argv, environ), EACCES);
    unlink(s1);
    unlink(s2);
    rmdir(dir);
    return 0;
}
