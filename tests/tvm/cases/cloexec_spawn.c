/* posix_spawn closes FD_CLOEXEC descriptors; a descriptor dup2'd by a file
 * action loses FD_CLOEXEC. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-cloexec-XXXXXX");
    int b = mkstemp(path);
    CHECK(b >= 0);
    unlink(path);
    int a = fcntl(b, F_DUPFD_CLOEXEC, 0);
    CHECK(a > b);
    write_all(b, "hello", 5);
    int p[2];
    CHECK_OK(pipe2(p, O_CLOEXEC));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, a, 9);
    char sa[16], sb[16];
    snprintf(sa, sizeof sa, "%d", a);
    snprintf(sb, sizeof sb, "%d", b);
    pid_t pid = spawn_helper(&fa, "fd_probe", sa, sb, "9", NULL);
    close(p[1]);
    char out[256], want[64];
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 0);
    snprintf(want, sizeof want, "%d=closed %d=open@5 9=open@5\n", a, b);
    CHECK_STR(out, want);
    return 0;
}
