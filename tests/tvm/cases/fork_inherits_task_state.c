/* A fork child inherits the fd table (sharing descriptions), cwd, umask,
 * environment, signal dispositions and mask, and atexit handlers with
 * their arguments; it gets its own pid and the parent as parent. */
#include "tvmtest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

static int report_fd = -1;

static void on_exit_handler(int status, void *arg)
{
    dprintf(report_fd, "on_exit %d %s\n", status, (char *)arg);
}

static void handler(int s) { (void)s; }

int main(void)
{
    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-forkstate-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    umask(027);
    setenv("FORKED", "yes", 1);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, handler);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-forkfile-XXXXXX");
    int fd = mkstemp(path);
    write_all(fd, "P", 1);
    int p[2];
    CHECK_OK(pipe(p));
    report_fd = p[1];
    char *arg = strdup("heap-arg");
    CHECK_EQ(on_exit(on_exit_handler, arg), 0);
    pid_t parent = getpid();

    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        char cwd[4096];
        struct sigaction sa;
        sigset_t now;
        sigprocmask(SIG_BLOCK, NULL, &now);
        sigaction(SIGTERM, NULL, &sa);
        int ok = getppid() == parent && getpid() != parent && strstr(getcwd(cwd, sizeof cwd), "tvm-forkstate") &&
                 umask(0) == 027 && strcmp(getenv("FORKED"), "yes") == 0 && sigismember(&now, SIGUSR1) &&
                 sa.sa_handler == handler && signal(SIGINT, SIG_DFL) == SIG_IGN;
        write_all(fd, "C", 1); /* shared description: appends after P */
        setenv("FORKED", "child", 1);
        strcpy(arg, "child-arg");
        exit(ok ? 4 : 1); /* runs the inherited on_exit handler */
    }
    close(p[1]);
    char out[128];
    read_all(p[0], out, sizeof out);
    CHECK_EQ(wait_exit(pid), 4);
    CHECK_STR(out, "on_exit 4 child-arg\n");
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    write_all(fd, "P", 1);
    char buf[8] = { 0 };
    CHECK_EQ(pread(fd, buf, 3, 0), 3);
    CHECK_STR(buf, "PCP");
    CHECK_STR(getenv("FORKED"), "yes");
    CHECK_STR(arg, "heap-arg");
    unlink(path);
    CHECK_OK(chdir("/"));
    rmdir(dir);
    report_fd = open("/dev/null", O_WRONLY); /* our own on_exit writes there */
    return 0;
}
