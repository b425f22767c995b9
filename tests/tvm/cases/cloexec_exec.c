/* execve closes FD_CLOEXEC descriptors and keeps the others, which still
 * share their description (the offset) with the parent. */
#include "tvmtest.h"
#include <fcntl.h>

int main(void)
{
    char path[PATH_MAX];
    tmp_path(path, sizeof path, "tvm-cloexec-XXXXXX");
    int a = mkstemp(path);
    CHECK(a >= 0);
    unlink(path);
    int b = dup(a);
    write_all(a, "abc", 3);
    char out[256];
    char sa[16], sb[16];
    snprintf(sa, sizeof sa, "%d", a);
    snprintf(sb, sizeof sb, "%d", b);
    CHECK_EQ(capture_helper(out, sizeof out, "cloexec_then_exec", sa, sb, NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "%d=closed %d=open@3\n", a, b);
    CHECK_STR(out, want);
    return 0;
}
