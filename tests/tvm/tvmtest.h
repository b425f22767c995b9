/*
 * tvmtest.h: checks and helpers for test_tvm's C programs.
 *
 * A test program exits 0 when every check passed; a failed check prints
 * where and why on stderr and exits 1. Programs keep their state in locals
 * (several tasks may run the same program at once).
 */
#ifndef TVMTEST_H
#define TVMTEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TVMTEST_DIR "/tvmtest/"

#define FAIL(...)                                                  \
    do {                                                           \
        dprintf(2, "%s:%d: ", __FILE__, __LINE__);                 \
        dprintf(2, __VA_ARGS__);                                   \
        dprintf(2, "\n");                                          \
        exit(1);                                                   \
    } while (0)

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond))                                                                 \
            FAIL("CHECK(%s) failed (errno %d: %s)", #cond, errno, strerror(errno)); \
    } while (0)

/* Both sides are evaluated once and compared as long. */
#define CHECK_EQ(a, b)                                                              \
    do {                                                                            \
        long tvm_a_ = (long)(a), tvm_b_ = (long)(b);                                \
        if (tvm_a_ != tvm_b_)                                                       \
            FAIL("CHECK_EQ(%s, %s): %ld != %ld (errno %d: %s)", #a, #b, tvm_a_,     \
                 tvm_b_, errno, strerror(errno));                                   \
    } while (0)

#define CHECK_STR(a, b)                                                             \
    do {                                                                            \
        const char *tvm_a_ = (a), *tvm_b_ = (b);                                    \
        if (strcmp(tvm_a_, tvm_b_) != 0)                                            \
            FAIL("CHECK_STR(%s, %s): \"%s\" != \"%s\"", #a, #b, tvm_a_, tvm_b_);    \
    } while (0)

/* `expr` must fail with -1 and errno `err`. */
#define CHECK_ERR(expr, err)                                                        \
    do {                                                                            \
        errno = 0;                                                                  \
        long tvm_r_ = (long)(expr);                                                 \
        if (tvm_r_ != -1 || errno != (err))                                         \
            FAIL("%s: got %ld errno %d (%s), want -1 errno %d (%s)", #expr, tvm_r_, \
                 errno, strerror(errno), (int)(err), strerror(err));                \
    } while (0)

/* `expr` must not return -1. */
#define CHECK_OK(expr)                                                              \
    do {                                                                            \
        errno = 0;                                                                  \
        if ((long)(expr) == -1)                                                     \
            FAIL("%s failed: errno %d (%s)", #expr, errno, strerror(errno));        \
    } while (0)

/* Builds the argv of a helper program call: name then the arguments up to
 * NULL. `path` receives "/tvmtest/NAME". */
static inline void tvmtest_argv(char *path, size_t cap, char **argv, int max, const char *name, va_list ap)
{
    snprintf(path, cap, TVMTEST_DIR "%s", name);
    int n = 0;
    argv[n++] = (char *)name;
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < max - 1)
        argv[n++] = (char *)a;
    argv[n] = NULL;
}

/* Spawns helper NAME with arguments (NULL-terminated), file actions `fa`
 * (may be NULL); returns its pid. */
static inline pid_t spawn_helper(const posix_spawn_file_actions_t *fa, const char *name, ...)
{
    char path[256];
    char *argv[64];
    va_list ap;
    va_start(ap, name);
    tvmtest_argv(path, sizeof path, argv, 64, name, ap);
    va_end(ap);
    pid_t pid;
    int e = posix_spawn(&pid, path, fa, NULL, argv, environ);
    if (e != 0)
        FAIL("posix_spawn %s: %s", path, strerror(e));
    return pid;
}

/* Waits for `pid` and returns its wait status. */
static inline int wait_status(pid_t pid)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, 0);
    if (r != pid)
        FAIL("waitpid(%d) returned %d (errno %d: %s)", (int)pid, (int)r, errno, strerror(errno));
    return st;
}

/* Waits for `pid`, which must exit normally; returns its exit code. */
static inline int wait_exit(pid_t pid)
{
    int st = wait_status(pid);
    if (!WIFEXITED(st))
        FAIL("pid %d did not exit normally: status 0x%x", (int)pid, st);
    return WEXITSTATUS(st);
}

/* Forks children that wait until `hold` (a pipe) is closed for writing,
 * up to `max` of them or until fork fails, which must be with EAGAIN.
 * Stores their pids in `kids`; returns how many there are. */
static inline size_t fork_held_until_eagain(const int hold[2], pid_t *kids, size_t max)
{
    size_t made = 0;
    while (made < max) {
        pid_t pid = fork();
        if (pid == 0) {
            char b;
            close(hold[1]);
            read(hold[0], &b, 1);
            _exit(0);
        }
        if (pid < 0) {
            if (errno != EAGAIN)
                FAIL("fork: errno %d (%s), want EAGAIN", errno, strerror(errno));
            break;
        }
        kids[made++] = pid;
    }
    return made;
}

/* Lets the held children `kids[from..made)` go and waits for each. */
static inline void release_held(const int hold[2], const pid_t *kids, size_t from, size_t made)
{
    close(hold[1]);
    for (size_t i = from; i < made; i++)
        if (wait_exit(kids[i]) != 0)
            FAIL("held child %d did not exit 0", (int)kids[i]);
}

/* A fork whose child exits 3 works now. */
static inline void check_fork_works(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    CHECK(pid > 0);
    CHECK_EQ(wait_exit(pid), 3);
}

/* Writes all of `buf`. */
static inline void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            FAIL("write(%d) returned %ld (errno %d: %s)", fd, (long)n, errno, strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

/* Reads until end-of-file (or `cap - 1` bytes); NUL-terminates; returns
 * the length. */
static inline size_t read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0)
            FAIL("read(%d): errno %d (%s)", fd, errno, strerror(errno));
        if (n == 0 || len + (size_t)n == cap - 1) {
            len += (size_t)n;
            break;
        }
        len += (size_t)n;
    }
    buf[len] = '\0';
    return len;
}

/* Spawns PATH with argv, envp and attributes `at` (may be NULL), its
 * stdout on a pipe; stores the output in `out` (capacity `cap`), the pid in
 * `*pid` (when not NULL), and returns the wait status. */
static inline int capture_spawn(char *out, size_t cap, pid_t *pid, const char *path, char *const argv[],
                                char *const envp[], const posix_spawnattr_t *at)
{
    int p[2];
    CHECK_OK(pipe(p));
    posix_spawn_file_actions_t fa;
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
    CHECK_EQ(posix_spawn_file_actions_addclose(&fa, p[1]), 0);
    pid_t child;
    int e = posix_spawn(&child, path, &fa, at, argv, envp);
    if (e != 0)
        FAIL("posix_spawn %s: %s", path, strerror(e));
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    read_all(p[0], out, cap);
    close(p[0]);
    if (pid != NULL)
        *pid = child;
    return wait_status(child);
}

/* Runs helper NAME (args up to NULL) with its stdout on a pipe; stores the
 * output in `out` (capacity `cap`) and returns the wait status. */
static inline int capture_helper(char *out, size_t cap, const char *name, ...)
{
    char path[256];
    char *argv[64];
    va_list ap;
    va_start(ap, name);
    tvmtest_argv(path, sizeof path, argv, 64, name, ap);
    va_end(ap);
    return capture_spawn(out, cap, NULL, path, argv, environ, NULL);
}

/* Spawns wait_eof CODE (attributes `at`, may be NULL) blocked reading a
 * pipe; stores the pipe's write end in `*release` (closing it lets the child
 * exit with CODE) and returns the child's pid. */
static inline pid_t spawn_blocked(int *release, const posix_spawnattr_t *at, const char *code)
{
    /* Close-on-exec, so later children never hold this pipe open. */
    int p[2];
    CHECK_OK(pipe2(p, O_CLOEXEC));
    posix_spawn_file_actions_t fa;
    CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
    CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, p[0], 0), 0);
    char *argv[] = { "wait_eof", (char *)code, NULL };
    pid_t pid;
    int e = posix_spawn(&pid, TVMTEST_DIR "wait_eof", &fa, at, argv, environ);
    if (e != 0)
        FAIL("posix_spawn wait_eof: %s", strerror(e));
    posix_spawn_file_actions_destroy(&fa);
    close(p[0]);
    *release = p[1];
    return pid;
}

/* Forks a child whose stdout is a new pipe and runs `body` in it (then
 * exit(0): stdio is flushed); returns everything the child wrote, in `out`
 * (capacity `cap`), and the child's wait status. */
static inline int capture_child(char *out, size_t cap, void (*body)(void *), void *arg)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        CHECK_OK(dup2(p[1], 1));
        close(p[1]);
        body(arg);
        exit(0);
    }
    close(p[1]);
    read_all(p[0], out, cap);
    close(p[0]);
    return wait_status(pid);
}

/* `$TMPDIR/name` in `buf` (capacity `cap`). test_tvm gives every test a
 * fresh TMPDIR of its own, removed after a pass and kept after a failure;
 * a test's files go nowhere else (docs/testing.md). */
static inline char *tmp_path(char *buf, size_t cap, const char *name)
{
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || *dir == '\0')
        dir = "/tmp";
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        FAIL("tmp_path: %s/%s does not fit in %zu bytes", dir, name, cap);
    return buf;
}

/* A fresh directory for the test's files: "$TMPDIR/tvmtest.XXXXXX" filled
 * in (capacity `cap`). */
static inline char *scratch_dir(char *buf, size_t cap)
{
    tmp_path(buf, cap, "tvmtest.XXXXXX");
    CHECK(mkdtemp(buf) != NULL);
    return buf;
}

/* A new pseudo-terminal pair: the master and its slave, both O_NOCTTY
 * (neither becomes a controlling terminal). */
static inline void open_pty(int *master, int *slave)
{
    *master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(*master >= 0);
    CHECK_OK(grantpt(*master));
    CHECK_OK(unlockpt(*master));
    char name[64];
    CHECK_EQ(ptsname_r(*master, name, sizeof name), 0);
    *slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(*slave >= 0);
}

/* Reads what `fd` has within `ms` milliseconds of quiet: returns the
 * length, NUL-terminated in `buf`. */
static inline size_t read_for(int fd, char *buf, size_t cap, int ms)
{
    size_t len = 0;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, ms) <= 0 || !(p.revents & POLLIN))
            break;
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == cap - 1)
            break;
    }
    buf[len] = '\0';
    return len;
}

/* Whether descriptor `fd` is open. */
/* An instruction the CPU refuses (SIGILL, ILL_ILLOPN/ILL_ILLOPC). Not
 * __builtin_trap(): that is x86_64's ud2 (SIGILL) but aarch64's brk
 * (SIGTRAP). */
static inline void illegal_instruction(void)
{
#if defined(__x86_64__)
    __asm__ volatile("ud2");
#elif defined(__aarch64__)
    __asm__ volatile("udf #0");
#else
#error "illegal_instruction: no encoding for this architecture"
#endif
}

/* A breakpoint instruction (SIGTRAP). */
static inline void breakpoint_instruction(void)
{
#if defined(__x86_64__)
    __asm__ volatile("int3");
#elif defined(__aarch64__)
    __asm__ volatile("brk #0");
#else
#error "breakpoint_instruction: no encoding for this architecture"
#endif
}

static inline int fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) != -1;
}

#endif
