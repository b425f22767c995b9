/* inotify: an instance is a task descriptor; a watch on a path relative
 * to the task's cwd reports a write; a blocking read waits for the event;
 * bad flags are EINVAL, a bad descriptor EBADF. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/inotify.h>

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-inotify-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    int f = open("watched", O_CREAT | O_WRONLY, 0644);
    CHECK(f >= 0);

    int in = inotify_init1(IN_CLOEXEC);
    CHECK(in >= 0);
    CHECK_EQ(fcntl(in, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    int wd = inotify_add_watch(in, "watched", IN_MODIFY);
    CHECK(wd >= 0);
    CHECK_ERR(inotify_add_watch(in, "missing", IN_MODIFY), ENOENT);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        usleep(50000);
        write_all(f, "x", 1);
        _exit(0);
    }
    char buf[sizeof(struct inotify_event) + 256];
    ssize_t n = read(in, buf, sizeof buf);
    CHECK(n >= (ssize_t)sizeof(struct inotify_event));
    struct inotify_event *ev = (struct inotify_event *)buf;
    CHECK_EQ(ev->wd, wd);
    CHECK(ev->mask & IN_MODIFY);
    CHECK_EQ(wait_exit(pid), 0);

    CHECK_OK(inotify_rm_watch(in, wd));
    CHECK_ERR(inotify_rm_watch(in, wd), EINVAL);
    CHECK_ERR(inotify_init1(0x1234), EINVAL);
    CHECK_ERR(inotify_add_watch(99, "watched", IN_MODIFY), EBADF);
    close(in);
    close(f);
    CHECK_OK(unlink("watched"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
