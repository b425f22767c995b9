/* Heap data structures are private to each task after fork; the child can
 * free and realloc what the parent allocated; a tree stays consistent. */
#include "tvmtest.h"

struct tree {
    int key;
    struct tree *left, *right, *parent;
};

static struct tree *insert(struct tree *t, struct tree *parent, int key)
{
    if (t == NULL) {
        t = calloc(1, sizeof *t);
        t->key = key;
        t->parent = parent;
        return t;
    }
    if (key < t->key)
        t->left = insert(t->left, t, key);
    else
        t->right = insert(t->right, t, key);
    return t;
}

static long sum(struct tree *t)
{
    return t ? t->key + sum(t->left) + sum(t->right) : 0;
}

static int consistent(struct tree *t)
{
    if (!t)
        return 1;
    if ((t->left && t->left->parent != t) || (t->right && t->right->parent != t))
        return 0;
    return consistent(t->left) && consistent(t->right);
}

static void destroy(struct tree *t)
{
    if (t) {
        destroy(t->left);
        destroy(t->right);
        free(t);
    }
}

int main(void)
{
    struct tree *root = NULL;
    for (int i = 0; i < 500; i++)
        root = insert(root, NULL, (i * 7919) % 1000);
    long total = sum(root);
    char *grow = malloc(10);
    strcpy(grow, "abc");

    pid_t pid = fork();
    if (pid == 0) {
        if (!consistent(root) || sum(root) != total)
            _exit(10);
        destroy(root->left); /* frees parent-allocated memory */
        root->left = NULL;
        grow = realloc(grow, 1 << 20);
        if (strcmp(grow, "abc") != 0)
            _exit(11);
        for (int i = 0; i < 100; i++)
            root = insert(root, NULL, 5000 + i);
        _exit(consistent(root) ? 0 : 12);
    }
    CHECK_EQ(wait_exit(pid), 0);
    CHECK(consistent(root));
    CHECK_EQ(sum(root), total);
    CHECK_STR(grow, "abc");
    destroy(root);
    free(grow);
    return 0;
}
