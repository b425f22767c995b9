/* The device API of include/tvm.h: a driver written in C registered with
 * tvm_register_device, then used by tasks like any device. The driver here
 * is a small mailbox: writes append to one buffer, reads take from it, and
 * a read with nothing there answers -EAGAIN, so the runtime blocks the
 * caller until the driver's write calls tvm_device_notify. Covers the
 * registration errors, stat and the /dev listing, read/write/poll/ioctl
 * reaching the driver, open refusing, close once per open description
 * (dup and fork share one), blocking reads and polls woken by a notify,
 * EAGAIN for O_NONBLOCK, EINTR for a signal, and a driver without read or
 * ioctl callbacks. */
#include "tvmtest.h"
#include <dirent.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <tvm.h>

#define DOUBLE_IT 0x7401

/* Shared by every task (an anonymous shared mapping), as a real driver's
 * state is one across the process. */
struct mailbox {
    volatile char lock;
    char data[256];
    size_t len;
    int opens, closes, reads;
};

static void lock(struct mailbox *m)
{
    while (__atomic_test_and_set(&m->lock, __ATOMIC_ACQUIRE))
        ;
}

static void unlock(struct mailbox *m)
{
    __atomic_clear(&m->lock, __ATOMIC_RELEASE);
}

static int mb_open(void *ctx, int flags, void **file)
{
    struct mailbox *m = ctx;
    if (flags & O_APPEND)
        return -EPERM;
    lock(m);
    *file = (void *)(intptr_t)++m->opens;
    unlock(m);
    return 0;
}

static intptr_t mb_read(void *ctx, void *file, void *buf, uintptr_t len)
{
    (void)file;
    struct mailbox *m = ctx;
    lock(m);
    m->reads++;
    size_t n = m->len < len ? m->len : len;
    if (n == 0) {
        unlock(m);
        return -EAGAIN;
    }
    memcpy(buf, m->data, n);
    memmove(m->data, m->data + n, m->len - n);
    m->len -= n;
    unlock(m);
    return (intptr_t)n;
}

static intptr_t mb_write(void *ctx, void *file, const void *buf, uintptr_t len)
{
    (void)file;
    struct mailbox *m = ctx;
    lock(m);
    size_t room = sizeof m->data - m->len;
    size_t n = len < room ? len : room;
    memcpy(m->data + m->len, buf, n);
    m->len += n;
    unlock(m);
    if (n == 0)
        return -ENOSPC;
    tvm_device_notify("/dev/tvmtest-mailbox");
    return (intptr_t)n;
}

static short mb_poll(void *ctx, void *file, short events)
{
    (void)file;
    struct mailbox *m = ctx;
    lock(m);
    short ready = (short)((m->len ? POLLIN : 0) | (m->len < sizeof m->data ? POLLOUT : 0));
    unlock(m);
    return ready & events;
}

static int mb_ioctl(void *ctx, void *file, unsigned long req, void *arg)
{
    (void)ctx;
    if (req != DOUBLE_IT)
        return -ENOTTY;
    *(int *)arg *= 2;
    return (int)(intptr_t)file;
}

static void mb_close(void *ctx, void *file)
{
    (void)file;
    struct mailbox *m = ctx;
    lock(m);
    m->closes++;
    unlock(m);
}

static intptr_t sink_write(void *ctx, void *file, const void *buf, uintptr_t len)
{
    (void)ctx;
    (void)file;
    (void)buf;
    return (intptr_t)len;
}

static void on_usr1(int sig)
{
    (void)sig;
}

static int listed_in_dev(const char *name)
{
    DIR *d = opendir("/dev");
    CHECK(d != NULL);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, name) == 0 && e->d_type == DT_CHR)
            found = 1;
    closedir(d);
    return found;
}

/* Waits (bounded) until the driver has been asked for data `n` times. */
static void await_reads(struct mailbox *m, int n)
{
    for (int i = 0; i < 5000 && __atomic_load_n(&m->reads, __ATOMIC_ACQUIRE) < n; i++)
        usleep(1000);
    CHECK(__atomic_load_n(&m->reads, __ATOMIC_ACQUIRE) >= n);
}

int main(void)
{
    struct mailbox *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    memset(m, 0, sizeof *m);
    tvm_device_ops_t ops = {
        .open = mb_open,
        .read = mb_read,
        .write = mb_write,
        .poll = mb_poll,
        .ioctl = mb_ioctl,
        .close = mb_close,
        .ctx = m,
        .mode = 0600,
    };

    /* Registration and its errors. */
    CHECK_ERR(tvm_register_device("/dev/tvmtest-mailbox", NULL), EFAULT);
    CHECK_ERR(tvm_register_device("/tmp/tvmtest-mailbox", &ops), EINVAL);
    CHECK_ERR(tvm_register_device("/dev/sub/dir", &ops), EINVAL);
    CHECK_ERR(tvm_register_device("/dev/pts", &ops), EINVAL);
    CHECK_ERR(tvm_register_device("/dev/stdin", &ops), EINVAL);
    CHECK_ERR(tvm_register_device("/dev/null", &ops), EEXIST);
    CHECK_ERR(tvm_device_notify("/dev/tvmtest-mailbox"), ENOENT);
    CHECK_EQ(listed_in_dev("tvmtest-mailbox"), 0);
    CHECK_EQ(tvm_register_device("/dev/tvmtest-mailbox", &ops), 0);
    CHECK_ERR(tvm_register_device("/dev/tvmtest-mailbox", &ops), EEXIST);
    CHECK_ERR(tvm_device_notify("/dev/null"), ENOENT);
    CHECK_EQ(tvm_device_notify("/dev/tvmtest-mailbox"), 0);

    /* The node. */
    struct stat st;
    CHECK_OK(stat("/dev/tvmtest-mailbox", &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0600);
    CHECK_EQ(major(st.st_rdev), 10);
    CHECK_EQ(st.st_uid, getuid());
    CHECK_EQ(listed_in_dev("tvmtest-mailbox"), 1);

    /* read, write, poll and ioctl reach the driver. */
    CHECK_ERR(open("/dev/tvmtest-mailbox", O_RDWR | O_APPEND), EPERM);
    CHECK_EQ(m->opens, 0);
    int fd = open("/dev/tvmtest-mailbox", O_RDWR | O_NONBLOCK);
    CHECK(fd >= 0);
    CHECK_EQ(m->opens, 1);
    char buf[64];
    CHECK_ERR(read(fd, buf, sizeof buf), EAGAIN);
    struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLOUT);
    CHECK_EQ(write(fd, "hello", 5), 5);
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLIN | POLLOUT);
    CHECK_EQ(read(fd, buf, 3), 3);
    CHECK_EQ(memcmp(buf, "hel", 3), 0);
    CHECK_EQ(read(fd, buf, sizeof buf), 2);
    CHECK_EQ(memcmp(buf, "lo", 2), 0);
    int v = 21;
    CHECK_EQ(ioctl(fd, DOUBLE_IT, &v), 1);
    CHECK_EQ(v, 42);
    CHECK_ERR(ioctl(fd, 0x7402, &v), ENOTTY);
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(lseek(fd, 0, SEEK_SET), -1);
    CHECK_EQ(errno, ESPIPE);

    /* close runs once per open description: dup and fork share it. */
    int fd2 = dup(fd);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(fd);
        close(fd2);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_OK(close(fd));
    CHECK_EQ(m->closes, 0);
    CHECK_OK(close(fd2));
    CHECK_EQ(m->closes, 1);

    /* A blocking poll and read wait for the driver's notify. */
    int before = m->reads;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(10);
        int cfd = open("/dev/tvmtest-mailbox", O_RDONLY);
        struct pollfd cp = { .fd = cfd, .events = POLLIN };
        if (poll(&cp, 1, -1) != 1 || cp.revents != POLLIN)
            _exit(2);
        char cbuf[16] = { 0 };
        if (read(cfd, cbuf, sizeof cbuf) != 4 || memcmp(cbuf, "wake", 4) != 0)
            _exit(3);
        /* Empty again: this read waits in the runtime. */
        if (read(cfd, cbuf, sizeof cbuf) != 5 || memcmp(cbuf, "later", 5) != 0)
            _exit(4);
        _exit(0);
    }
    usleep(50000);
    fd = open("/dev/tvmtest-mailbox", O_WRONLY);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "wake", 4), 4);
    await_reads(m, before + 2);
    CHECK_EQ(write(fd, "later", 5), 5);
    CHECK_EQ(wait_exit(pid), 0);

    /* A signal interrupts a blocked read: EINTR. */
    struct sigaction sa = { .sa_handler = on_usr1 };
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    before = m->reads;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(10);
        int cfd = open("/dev/tvmtest-mailbox", O_RDONLY);
        errno = 0;
        ssize_t n = read(cfd, buf, sizeof buf);
        _exit(n == -1 && errno == EINTR ? 0 : 5);
    }
    await_reads(m, before + 1);
    CHECK_OK(kill(pid, SIGUSR1));
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_OK(close(fd));

    /* A driver with only a write callback: the rest answer as Linux does
     * for a driver without them. */
    tvm_device_ops_t sink = { .write = sink_write };
    CHECK_EQ(tvm_register_device("/dev/tvmtest-sink", &sink), 0);
    CHECK_OK(stat("/dev/tvmtest-sink", &st));
    CHECK_EQ(st.st_mode & 07777, 0666);
    fd = open("/dev/tvmtest-sink", O_RDWR);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, "anything", 8), 8);
    CHECK_ERR(read(fd, buf, sizeof buf), EINVAL);
    CHECK_ERR(ioctl(fd, DOUBLE_IT, &v), ENOTTY);
    p = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
    CHECK_EQ(poll(&p, 1, 0), 1);
    CHECK_EQ(p.revents, POLLIN | POLLOUT);
    close(fd);
    fd = open("/dev/tvmtest-sink", O_RDONLY);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    close(fd);
    return 0;
}
