/*
 * forkpty(3) in C: it forks, and fork copies the caller's stack from the
 * fork frame up; a C frame holds only what the guest gave it, which fork
 * relocates like the guest's own frames (a Rust frame may hold pointers
 * into the runtime's heap, which must not be copied). Runtime code:
 * compiled without the guest shim.
 */
#include <sys/types.h>
#include <termios.h>
#include <sys/ioctl.h>

int tvm_openpty(int *amaster, int *aslave, char *name, const struct termios *termp, const struct winsize *winp);
pid_t tvm_fork(void);
int tvm_close(int fd);
int tvm_login_tty(int fd);
void tvm__exit(int status) __attribute__((__noreturn__));

pid_t tvm_forkpty(int *amaster, char *name, const struct termios *termp, const struct winsize *winp)
{
    int master, slave;
    if (tvm_openpty(&master, &slave, name, termp, winp) == -1)
        return -1;
    pid_t pid = tvm_fork();
    if (pid == -1) {
        tvm_close(master);
        tvm_close(slave);
        return -1;
    }
    if (pid == 0) {
        tvm_close(master);
        if (tvm_login_tty(slave) == -1)
            tvm__exit(1);
        return 0;
    }
    *amaster = master;
    tvm_close(slave);
    return pid;
}
