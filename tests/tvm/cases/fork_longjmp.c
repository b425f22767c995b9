/* A jmp_buf set before fork works in the child and in the parent, wherever
 * it lives (a global, the stack, the heap); sigsetjmp restores the mask. */
#include "tvmtest.h"
#include <setjmp.h>
#include <signal.h>

jmp_buf global_env;

/* A few frames deep, then jump. */
static void level1(jmp_buf env, int val)
{
    char pad[64];
    memset(pad, 1, sizeof pad);
    longjmp(env, val + pad[0] - 1);
}

static void level2(jmp_buf env, int val)
{
    char pad[128];
    memset(pad, 2, sizeof pad);
    level1(env, val + pad[0] - 2);
}

static void jump_from_deep(jmp_buf env, int val)
{
    level2(env, val);
}

int main(void)
{
    volatile int hits = 0;
    jmp_buf stack_env;
    jmp_buf *heap_env = malloc(sizeof(jmp_buf));

    int r = setjmp(global_env);
    if (r == 0) {
        pid_t pid = fork();
        if (pid == 0)
            jump_from_deep(global_env, 3); /* child: back to the setjmp */
        CHECK(pid > 0);
        CHECK_EQ(wait_exit(pid), 3);
        jump_from_deep(global_env, 4); /* parent too */
    }
    if (r == 3)
        _exit(3); /* only the child gets here with 3 */
    CHECK_EQ(r, 4);

    r = setjmp(stack_env);
    hits++;
    if (r == 0) {
        pid_t pid = fork();
        if (pid == 0)
            longjmp(stack_env, 0); /* 0 becomes 1 */
        CHECK_EQ(wait_exit(pid), 9);
    } else {
        if (r == 1 && hits == 2)
            _exit(9);
        _exit(1);
    }

    r = setjmp(*heap_env);
    if (r == 0) {
        pid_t pid = fork();
        if (pid == 0)
            longjmp(*heap_env, 5);
        CHECK_EQ(wait_exit(pid), 5);
    } else {
        _exit(r);
    }

    /* sigsetjmp(env, 1) saves the mask; siglongjmp restores it. */
    sigjmp_buf senv;
    sigset_t s, now;
    sigemptyset(&s);
    if (sigsetjmp(senv, 1) == 0) {
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        siglongjmp(senv, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGUSR1));
    return 0;
}
