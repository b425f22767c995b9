/* Globals, structs and arrays are per task after fork, in both directions;
 * pointers between globals, from globals to the heap and from the heap to
 * globals point at each task's own copies; statics inside functions and
 * runtime-initialized pointers too. */
#include "tvmtest.h"

struct point {
    int x, y;
    struct point *self;
    int *counter; /* heap to global */
};

int counter = 10;
static char name[32] = "parent";
struct point origin = { 1, 2, &origin, 0 };
int table[5] = { 1, 2, 3, 4, 5 };
int *middle_of_table = &table[2];
char *heap_block;
struct point *heap_point;
int (*op)(int) = 0;

static int twice(int v) { return 2 * v; }
static int thrice(int v) { return 3 * v; }

static int bump(void)
{
    static int calls;
    static int *calls_ptr = &calls;
    return ++*calls_ptr;
}

static int check_child(void)
{
    /* The child's view right after fork equals the parent's. */
    if (counter != 11 || strcmp(name, "parent") != 0 || origin.self != &origin || *middle_of_table != 3)
        return 20;
    if (heap_point->self != heap_point || strcmp(heap_block, "heap") != 0 || op(5) != 10 || bump() != 3)
        return 21;
    if (heap_point->counter != &counter || *heap_point->counter != 11)
        return 23;
    /* Now diverge. */
    counter = 99;
    strcpy(name, "child");
    origin.x = -1;
    table[2] = 300;
    strcpy(heap_block, "HEAP");
    heap_point->x = 77;
    op = thrice;
    if (*middle_of_table != 300 || origin.self->x != -1 || op(5) != 15 || bump() != 4)
        return 22;
    return 0;
}

int main(void)
{
    counter++;
    heap_block = malloc(16);
    strcpy(heap_block, "heap");
    heap_point = malloc(sizeof *heap_point);
    heap_point->self = heap_point;
    heap_point->x = 5;
    heap_point->counter = &counter;
    op = twice;
    CHECK_EQ(bump(), 1);
    CHECK_EQ(bump(), 2);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(check_child());
    CHECK_EQ(wait_exit(pid), 0);

    /* The parent saw none of it. */
    CHECK_EQ(counter, 11);
    CHECK_STR(name, "parent");
    CHECK_EQ(origin.x, 1);
    CHECK(origin.self == &origin);
    CHECK_EQ(*middle_of_table, 3);
    CHECK_STR(heap_block, "heap");
    CHECK_EQ(heap_point->x, 5);
    CHECK_EQ(op(5), 10);
    CHECK_EQ(bump(), 3);
    CHECK(heap_point->counter == &counter);

    /* And the other direction: the parent changes, a child sees the new
     * values, and its changes stay its own. */
    counter = 12;
    strcpy(name, "second");
    pid = fork();
    if (pid == 0)
        _exit(counter == 12 && strcmp(name, "second") == 0 && bump() == 4 ? 0 : 30);
    CHECK_EQ(wait_exit(pid), 0);
    CHECK_EQ(bump(), 4);
    return 0;
}
