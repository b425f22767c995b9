/*
 * Stream functions that hand the guest memory to free: getdelim/getline
 * grow the caller's buffer in the task's arena, and open_memstream's buffer
 * lives there too. They work on the host C library's FILE until the
 * runtime's own stdio replaces it. Runtime code: compiled without the shim.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void *tvm_malloc(size_t size);
void *tvm_realloc(void *p, size_t size);

ssize_t tvm_getdelim(char **lineptr, size_t *n, int delim, FILE *stream);
ssize_t tvm_getline(char **lineptr, size_t *n, FILE *stream);
FILE *tvm_open_memstream(char **bufp, size_t *sizep);

/* Makes sure *lineptr holds at least `need` bytes. */
static int reserve(char **lineptr, size_t *n, size_t need)
{
    if (*lineptr != NULL && *n >= need)
        return 0;
    size_t cap = *n < 120 ? 120 : *n;
    while (cap < need)
        cap *= 2;
    char *p = tvm_realloc(*lineptr, cap);
    if (p == NULL)
        return -1;
    *lineptr = p;
    *n = cap;
    return 0;
}

ssize_t tvm_getdelim(char **lineptr, size_t *n, int delim, FILE *stream)
{
    if (lineptr == NULL || n == NULL || stream == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (*lineptr == NULL)
        *n = 0;
    if (reserve(lineptr, n, 1) != 0)
        return -1;
    flockfile(stream);
    size_t len = 0;
    for (;;) {
        int c = getc_unlocked(stream);
        if (c == EOF)
            break;
        if (reserve(lineptr, n, len + 2) != 0) {
            funlockfile(stream);
            return -1;
        }
        (*lineptr)[len++] = (char)c;
        if (c == delim)
            break;
    }
    funlockfile(stream);
    (*lineptr)[len] = '\0';
    return len == 0 ? -1 : (ssize_t)len;
}

ssize_t tvm_getline(char **lineptr, size_t *n, FILE *stream)
{
    return tvm_getdelim(lineptr, n, '\n', stream);
}

/* open_memstream(3) on fopencookie: a growing buffer in the arena. */
struct memstream {
    char **bufp;
    size_t *sizep;
    char *buf;
    size_t cap, len, pos;
};

static void publish(struct memstream *m)
{
    *m->bufp = m->buf;
    *m->sizep = m->pos < m->len ? m->pos : m->len;
}

static ssize_t memstream_write(void *cookie, const char *data, size_t size)
{
    struct memstream *m = cookie;
    size_t end = m->pos + size;
    if (end + 1 > m->cap) {
        size_t cap = m->cap * 2;
        while (cap < end + 1)
            cap *= 2;
        char *p = tvm_realloc(m->buf, cap);
        if (p == NULL)
            return -1;
        memset(p + m->cap, 0, cap - m->cap);
        m->buf = p;
        m->cap = cap;
    }
    memcpy(m->buf + m->pos, data, size);
    m->pos = end;
    if (m->pos > m->len)
        m->len = m->pos;
    m->buf[m->len] = '\0';
    publish(m);
    return (ssize_t)size;
}

static int memstream_seek(void *cookie, off64_t *off, int whence)
{
    struct memstream *m = cookie;
    off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off64_t)m->pos : (off64_t)m->len;
    off64_t to = base + *off;
    if (to < 0 || (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)) {
        errno = EINVAL;
        return -1;
    }
    m->pos = (size_t)to;
    *off = to;
    publish(m);
    return 0;
}

static int memstream_close(void *cookie)
{
    struct memstream *m = cookie;
    publish(m);
    free(m);
    return 0;
}

FILE *tvm_open_memstream(char **bufp, size_t *sizep)
{
    if (bufp == NULL || sizep == NULL) {
        errno = EINVAL;
        return NULL;
    }
    struct memstream *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->bufp = bufp;
    m->sizep = sizep;
    m->cap = 64;
    m->buf = tvm_malloc(m->cap);
    if (m->buf == NULL) {
        free(m);
        return NULL;
    }
    memset(m->buf, 0, m->cap);
    publish(m);
    cookie_io_functions_t io = { .read = NULL, .write = memstream_write, .seek = memstream_seek, .close = memstream_close };
    FILE *f = fopencookie(m, "w", io);
    if (f == NULL)
        free(m);
    return f;
}
