/* fork(): the child gets its own copy of the stack and heap; pointers
 * between them (heap to stack, stack to heap, into the middle of blocks,
 * unaligned values) point at the child's copies; both sides diverge
 * independently. */
#include "tvmtest.h"

struct node {
    int value;
    struct node *next;
    char *stack_text; /* points into main's stack frame */
};

int main(void)
{
    char local[64] = "stack text";
    struct node *head = NULL;
    for (int i = 0; i < 100; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i;
        n->next = head;
        n->stack_text = local;
        head = n;
    }
    char *buf = malloc(100);
    strcpy(buf, "0123456789abcdef");
    char *middle = buf + 7;  /* into the middle of a block, unaligned */
    char *at_end = buf + 100; /* one past the end */
    int p[2];
    CHECK_OK(pipe(p));

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* Child: everything is its own copy, at new addresses. */
        int n = 0;
        for (struct node *x = head; x; x = x->next, n++) {
            if (x->value != 99 - n || x->stack_text != local)
                _exit(10);
            x->value = -1;
        }
        if (n != 100 || *middle != '7' || at_end - buf != 100)
            _exit(11);
        strcpy(local, "child changed");
        *middle = 'X';
        if (strcmp(head->stack_text, "child changed") != 0)
            _exit(12);
        write_all(p[1], buf, 17);
        _exit(0);
    }
    CHECK_EQ(wait_exit(pid), 0);
    char got[32] = { 0 };
    CHECK_EQ(read(p[0], got, 17), 17);
    CHECK_STR(got, "0123456X89abcdef");
    /* The parent's copies are untouched. */
    CHECK_STR(local, "stack text");
    CHECK_EQ(*middle, '7');
    int n = 0;
    for (struct node *x = head; x; x = x->next, n++)
        CHECK_EQ(x->value, 99 - n);
    CHECK_EQ(n, 100);
    return 0;
}
