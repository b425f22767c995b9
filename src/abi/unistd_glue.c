/*
 * daemon(3) in C, for the reason forkpty is (pty_glue.c): it forks, and
 * only a C frame may lie between the guest and the fork. As glibc's: the
 * parent exits 0, the child leads a new session, moves to / unless
 * `nochdir`, and puts /dev/null on its standard descriptors unless
 * `noclose`. Runtime code: compiled without the guest shim.
 */
#include <fcntl.h>
#include <sys/types.h>

pid_t tvm_fork(void);
pid_t tvm_setsid(void);
int tvm_chdir(const char *path);
int tvm_open(const char *path, int flags, ...);
int tvm_dup2(int oldfd, int newfd);
int tvm_close(int fd);
void tvm__exit(int status) __attribute__((__noreturn__));

int tvm_daemon(int nochdir, int noclose)
{
    pid_t pid = tvm_fork();
    if (pid == -1)
        return -1;
    if (pid != 0)
        tvm__exit(0);
    if (tvm_setsid() == -1)
        return -1;
    if (!nochdir)
        (void)tvm_chdir("/");
    if (!noclose) {
        int fd = tvm_open("/dev/null", O_RDWR);
        if (fd == -1)
            return -1;
        for (int i = 0; i < 3; i++)
            if (tvm_dup2(fd, i) == -1)
                return -1;
        if (fd > 2)
            tvm_close(fd);
    }
    return 0;
}
