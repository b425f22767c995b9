/* syscall(2) by number: copy_file_range works on task descriptors (which
 * the host's numbering does not know) and refuses non-regular files as
 * Linux does; a number with no task-aware meaning is ENOSYS. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/syscall.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-syscall-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    /* Push the task's numbers away from anything the host has open at
     * the same numbers. */
    int pad[20];
    for (int i = 0; i < 20; i++)
        pad[i] = open("/dev/null", O_RDONLY);
    int in = open("in", O_CREAT | O_RDWR, 0644);
    int out = open("out", O_CREAT | O_RDWR, 0644);
    CHECK(in >= 0 && out >= 0);
    write_all(in, "copied by number\n", 17);
    CHECK_OK(lseek(in, 0, SEEK_SET));
    CHECK_EQ(syscall(SYS_copy_file_range, in, 0, out, 0, 100, 0), 17);
    char buf[32];
    CHECK_EQ(pread(out, buf, sizeof buf, 0), 17);
    CHECK(memcmp(buf, "copied by number\n", 17) == 0);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(syscall(SYS_copy_file_range, in, 0, p[1], 0, 100, 0), EINVAL);
    CHECK_ERR(syscall(SYS_copy_file_range, 999, 0, out, 0, 100, 0), EBADF);
    CHECK_ERR(syscall(SYS_pivot_root, "/", "/"), ENOSYS);
    CHECK(syscall(SYS_sched_get_priority_max, 1) > 0);

    for (int i = 0; i < 20; i++)
        close(pad[i]);
    CHECK_OK(unlink("in"));
    CHECK_OK(unlink("out"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
