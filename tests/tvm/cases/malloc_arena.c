/* The malloc family, and every libc call that hands out memory to free,
 * allocate in the task's arena; host-allocated memory handed to the guest
 * can still be freed and reallocated. */
#include "tvmtest.h"
#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <wchar.h>

static int not_dot(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

int main(void)
{
    char *p = malloc(100);
    CHECK(p != NULL && (uintptr_t)p % 16 == 0);
    CHECK(malloc_usable_size(p) >= 100);
    memset(p, 'a', 100);
    p = realloc(p, 100000);
    CHECK(p != NULL && p[99] == 'a');
    p = realloc(p, 10);
    CHECK(p != NULL && p[9] == 'a');
    free(p);
    free(NULL);
    CHECK(realloc(malloc(8), 0) == NULL);
    int *z = calloc(1000, sizeof(int));
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(z[i], 0);
    free(z);
    /* Opaque to the compiler, which would reject the overflow. */
    volatile size_t half = SIZE_MAX / 2, huge = SIZE_MAX - 100;
    errno = 0;
    CHECK(calloc(half, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(reallocarray(NULL, half, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(malloc(huge) == NULL && errno == ENOMEM);

    void *a = NULL;
    CHECK_EQ(posix_memalign(&a, 4096, 10), 0);
    CHECK((uintptr_t)a % 4096 == 0);
    free(a);
    CHECK_EQ(posix_memalign(&a, 24, 10), EINVAL);
    a = aligned_alloc(64, 128);
    CHECK(a != NULL && (uintptr_t)a % 64 == 0);
    a = realloc(a, 4000);
    CHECK(a != NULL);
    free(a);
    a = memalign(256, 1);
    CHECK((uintptr_t)a % 256 == 0);
    free(a);
    a = valloc(1);
    CHECK((uintptr_t)a % 4096 == 0);
    free(a);

    /* Many small blocks, freed in another order. */
    void *blocks[2000];
    for (int i = 0; i < 2000; i++) {
        blocks[i] = malloc((size_t)(i % 300) + 1);
        CHECK(blocks[i] != NULL);
        memset(blocks[i], i & 0xff, (size_t)(i % 300) + 1);
    }
    for (int i = 0; i < 2000; i += 2)
        free(blocks[i]);
    for (int i = 1; i < 2000; i += 2) {
        CHECK_EQ(((unsigned char *)blocks[i])[0], i & 0xff);
        free(blocks[i]);
    }

    char *s = strdup("hello");
    CHECK_STR(s, "hello");
    free(s);
    s = strndup("hello", 3);
    CHECK_STR(s, "hel");
    free(s);
    CHECK_EQ(asprintf(&s, "%d-%s", 42, "x"), 4);
    CHECK_STR(s, "42-x");
    free(s);

    /* Memory the host C library allocated for the guest. */
    wchar_t *w = wcsdup(L"wide");
    CHECK(w != NULL);
    w = realloc(w, 1000 * sizeof(wchar_t));
    CHECK(w != NULL && w[0] == L'w');
    free(w);
    w = wcsdup(L"again");
    free(w);

    /* getline grows a buffer in the arena. */
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-malloc-XXXXXX");
    int fd = mkstemp(path);
    write_all(fd, "first line\nsecond\n", 18);
    close(fd);
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    CHECK_EQ(getline(&line, &cap, f), 11);
    CHECK_STR(line, "first line\n");
    CHECK_EQ(getdelim(&line, &cap, 'c', f), 3);
    CHECK_STR(line, "sec");
    CHECK_EQ(getline(&line, &cap, f), 4);
    CHECK_EQ(getline(&line, &cap, f), -1);
    free(line);
    fclose(f);
    unlink(path);

    char *buf = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&buf, &size);
    CHECK(m != NULL);
    fprintf(m, "abc%d", 123);
    fflush(m);
    CHECK_EQ(size, 6);
    CHECK_STR(buf, "abc123");
    fprintf(m, "%0500d", 7);
    fclose(m);
    CHECK_EQ(size, 506);
    free(buf);

    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-scandir-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    const char *names[] = { "b", "a", "c" };
    for (int i = 0; i < 3; i++)
        close(open(names[i], O_CREAT | O_WRONLY, 0600));
    struct dirent **list;
    CHECK_EQ(scandir(".", &list, not_dot, alphasort), 3);
    CHECK_STR(list[0]->d_name, "a");
    CHECK_STR(list[2]->d_name, "c");
    for (int i = 0; i < 3; i++)
        free(list[i]);
    free(list);
    CHECK_EQ(scandir(".", &list, NULL, NULL), 5);
    for (int i = 0; i < 5; i++)
        free(list[i]);
    free(list);
    CHECK_ERR(scandir("missing", &list, NULL, NULL), ENOENT);
    for (int i = 0; i < 3; i++)
        unlink(names[i]);
    CHECK_OK(chdir("/"));
    rmdir(dir);
    return 0;
}
