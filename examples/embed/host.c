/* An app that embeds forkless (the C system's main.c, in spirit): it
 * starts the runtime, registers its own program (compiled by guest-cc)
 * and a device of its own, and runs a shell command as the first task.
 *
 *   guest-cc --forkless-include include --out-dir OUT --name app app.c
 *   cc host.c -Iinclude OUT/libapp.a libforkless.a -lutil -lm -lresolv \
 *      -lcrypt -lgcc_s -lrt -lpthread -ldl -o embed
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvm.h"

/* Made by guest-cc for app.c. */
int tvm_register_app(const char *path);

static const char greeting[] = "hello from the host\n";

/* Each open of /dev/greeting reads the greeting once. */
static int greet_open(void *ctx, int flags, void **file)
{
    (void)ctx;
    (void)flags;
    size_t *offset = calloc(1, sizeof *offset);
    if (offset == NULL)
        return -ENOMEM;
    *file = offset;
    return 0;
}

static intptr_t greet_read(void *ctx, void *file, void *buf, uintptr_t len)
{
    (void)ctx;
    size_t *offset = file;
    size_t left = sizeof greeting - 1 - *offset;
    size_t n = len < left ? len : left;
    memcpy(buf, greeting + *offset, n);
    *offset += n;
    return (intptr_t)n;
}

static void greet_close(void *ctx, void *file)
{
    (void)ctx;
    free(file);
}

int main(int argc, char **argv)
{
    if (tvm_init() != 0) {
        perror("tvm_init");
        return 1;
    }
    if (tvm_register_bundled() != 0 || tvm_register_app("/usr/bin/app") != 0) {
        perror("tvm_register_app");
        return 1;
    }
    static const tvm_device_ops_t ops = { .open = greet_open, .read = greet_read, .close = greet_close, .mode = 0444 };
    if (tvm_register_device("/dev/greeting", &ops) != 0) {
        perror("tvm_register_device");
        return 1;
    }
    const char *script = argc > 1 ? argv[1] : "app word; echo \"app exited $?\"";
    const char *sh_argv[] = { "sh", "-c", script };
    return tvm_run("/bin/sh", 3, sh_argv);
}
