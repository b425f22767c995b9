/*
 * The variadic and formatted stdio entry points, over the runtime's own
 * streams (crt::stdio). Runtime code: compiled without the guest shim, so
 * `FILE *` here is only a handle passed through, and vsnprintf, vfscanf,
 * fopencookie are the host C library's (formatting has no per-process
 * state; the thread's locale applies).
 *
 * printf formats into a local buffer (or a host heap one when long) and
 * hands the bytes to tvm_stdio_put. scanf runs the host's vfscanf on a
 * private, unbuffered cookie stream that pulls bytes from the task's
 * stream one at a time; the byte vfscanf looked at and pushed back is
 * returned to the task's stream afterwards, so nothing is lost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int tvm_stdio_put(FILE *f, const char *p, size_t len);
int tvm_stdio_check(FILE *f);
int tvm_getc(FILE *f);
int tvm_ungetc(int c, FILE *f);
FILE **tvm_std_stream_location(int which);
char **tvm_program_short_name_location(void);

int tvm_vfprintf(FILE *f, const char *fmt, va_list ap);
int tvm_fprintf(FILE *f, const char *fmt, ...);
int tvm_vprintf(const char *fmt, va_list ap);
int tvm_printf(const char *fmt, ...);
int tvm_vfscanf(FILE *f, const char *fmt, va_list ap);
int tvm_fscanf(FILE *f, const char *fmt, ...);
int tvm_vscanf(const char *fmt, va_list ap);
int tvm_scanf(const char *fmt, ...);
void tvm_vwarn(const char *fmt, va_list ap);
void tvm_vwarnx(const char *fmt, va_list ap);
void tvm_warn(const char *fmt, ...);
void tvm_warnx(const char *fmt, ...);
void tvm_verr(int status, const char *fmt, va_list ap) __attribute__((__noreturn__));
void tvm_verrx(int status, const char *fmt, va_list ap) __attribute__((__noreturn__));
void tvm_err(int status, const char *fmt, ...) __attribute__((__noreturn__));
void tvm_errx(int status, const char *fmt, ...) __attribute__((__noreturn__));
void tvm_exit(int status) __attribute__((__noreturn__));

static FILE *std_stream(int which)
{
    FILE **loc = tvm_std_stream_location(which);
    return loc == NULL ? NULL : *loc;
}

int tvm_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    if (tvm_stdio_check(f) != 0)
        return -1;
    char small[1024];
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return tvm_stdio_put(f, small, (size_t)n) == 0 ? n : -1;
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        errno = ENOMEM;
        return -1;
    }
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    int r = tvm_stdio_put(f, big, (size_t)n) == 0 ? n : -1;
    int e = errno;
    free(big);
    errno = e;
    return r;
}

int tvm_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int tvm_vprintf(const char *fmt, va_list ap)
{
    return tvm_vfprintf(std_stream(1), fmt, ap);
}

int tvm_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vfprintf(std_stream(1), fmt, ap);
    va_end(ap);
    return n;
}

/* The cookie behind scanf's private stream. */
struct scan_source {
    FILE *from;
    int draining; /* after vfscanf: only pushed-back bytes remain */
};

static ssize_t scan_read(void *cookie, char *buf, size_t size)
{
    struct scan_source *s = cookie;
    if (s->draining || size == 0)
        return 0;
    int c = tvm_getc(s->from);
    if (c == EOF)
        return 0; /* end of file or error: the task's stream has the indicator */
    buf[0] = (char)c;
    return 1;
}

int tvm_vfscanf(FILE *f, const char *fmt, va_list ap)
{
    if (tvm_stdio_check(f) != 0)
        return EOF;
    struct scan_source src = { f, 0 };
    cookie_io_functions_t io = { .read = scan_read };
    FILE *h = fopencookie(&src, "r", io);
    if (h == NULL)
        return EOF;
    setvbuf(h, NULL, _IONBF, 0);
    int r = vfscanf(h, fmt, ap);
    int e = errno;
    /* Give back what vfscanf read but did not use. */
    src.draining = 1;
    char back[8];
    int nback = 0;
    int c;
    while (nback < (int)sizeof back && (c = getc(h)) != EOF)
        back[nback++] = (char)c;
    while (nback > 0)
        tvm_ungetc((unsigned char)back[--nback], f);
    fclose(h);
    errno = e;
    return r;
}

int tvm_fscanf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vfscanf(f, fmt, ap);
    va_end(ap);
    return n;
}

int tvm_vscanf(const char *fmt, va_list ap)
{
    return tvm_vfscanf(std_stream(0), fmt, ap);
}

int tvm_scanf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvm_vfscanf(std_stream(0), fmt, ap);
    va_end(ap);
    return n;
}

/* err(3) and warn(3): "PROGRAM: message: strerror(errno)\n" on the task's
 * stderr, PROGRAM being the short name of the task's program. */
static void report(int with_errno, int err, const char *fmt, va_list ap)
{
    FILE *out = std_stream(2);
    char **name = tvm_program_short_name_location();
    tvm_fprintf(out, "%s: ", name != NULL && *name != NULL ? *name : "");
    if (fmt != NULL) {
        tvm_vfprintf(out, fmt, ap);
        if (with_errno)
            tvm_fprintf(out, ": ");
    }
    if (with_errno)
        tvm_fprintf(out, "%s", strerror(err));
    tvm_fprintf(out, "\n");
}

void tvm_vwarn(const char *fmt, va_list ap)
{
    int e = errno;
    report(1, e, fmt, ap);
    errno = e;
}

void tvm_vwarnx(const char *fmt, va_list ap)
{
    int e = errno;
    report(0, 0, fmt, ap);
    errno = e;
}

void tvm_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tvm_vwarn(fmt, ap);
    va_end(ap);
}

void tvm_warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tvm_vwarnx(fmt, ap);
    va_end(ap);
}

void tvm_verr(int status, const char *fmt, va_list ap)
{
    report(1, errno, fmt, ap);
    tvm_exit(status);
}

void tvm_verrx(int status, const char *fmt, va_list ap)
{
    report(0, 0, fmt, ap);
    tvm_exit(status);
}

void tvm_err(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tvm_verr(status, fmt, ap);
}

void tvm_errx(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tvm_verrx(status, fmt, ap);
}
