/* A task's heap grows as far as its limits allow: past the first region
 * it starts with (and past the 1 GiB that once bounded every heap), a
 * linked structure spread over several regions survives fork intact in
 * the child, and ulimit's "unlimited" is the truth. */
#include "tvmtest.h"
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MiB ((size_t)1 << 20)

struct node {
    struct node *next;
    size_t index;
    unsigned char fill[MiB - 2 * sizeof(size_t)];
};

/* Walks the list: `count` nodes, in order, each filled with its index. */
static int list_ok(struct node *head, size_t count)
{
    size_t i = 0;
    for (struct node *n = head; n != NULL; n = n->next, i++) {
        if (n->index != i || n->fill[0] != (unsigned char)i || n->fill[sizeof n->fill - 1] != (unsigned char)i)
            return 0;
    }
    return i == count;
}

int main(void)
{
    struct rlimit data;
    CHECK_OK(getrlimit(RLIMIT_DATA, &data));

    /* 64 MiB of 1 MiB nodes, linked: the heap outgrows its first region
     * many times over. */
    struct node *head = NULL, **tail = &head;
    size_t count = 64;
    for (size_t i = 0; i < count; i++) {
        struct node *n = malloc(sizeof *n);
        CHECK(n != NULL);
        n->next = NULL;
        n->index = i;
        memset(n->fill, (int)i, sizeof n->fill);
        *tail = n;
        tail = &n->next;
    }
    CHECK(list_ok(head, count));

    /* A child's copy holds every region, relocated. */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (!list_ok(head, count))
            _exit(3);
        head->next->index = 99; /* the parent's copy must not see it */
        struct node *extra = malloc(sizeof *extra);
        _exit(extra != NULL ? 0 : 4);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK(list_ok(head, count));

    /* One block past 1 GiB, when the limits allow it. */
    if (data.rlim_cur == RLIM_INFINITY || data.rlim_cur > ((size_t)2 << 30)) {
        size_t big = (size_t)1280 * MiB;
        unsigned char *p = malloc(big);
        if (p == NULL)
            FAIL("malloc of 1280 MiB failed (errno %d) with RLIMIT_DATA unlimited", errno);
        p[0] = 1;
        p[big - 1] = 2;
        CHECK(p[0] == 1 && p[big - 1] == 2 && p[big / 2] == 0);
        free(p);
    }

    while (head != NULL) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
    return 0;
}
