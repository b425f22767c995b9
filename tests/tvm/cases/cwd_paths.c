/* Every path call resolves relative paths against the task's cwd, and the
 * *at forms against their directory descriptor. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <utime.h>

int main(void)
{
    char root[PATH_MAX];
    tmp_path(root, sizeof root, "tvm-paths-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    CHECK_OK(chdir(root));
    umask(022);
    struct stat st;

    CHECK_OK(mkdir("a", 0777));
    CHECK_OK(stat("a", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0755);
    int fd = open("a/f", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    write_all(fd, "12345", 5);
    close(fd);
    char abs[4200];
    snprintf(abs, sizeof abs, "%s/a/f", root);
    CHECK_OK(stat(abs, &st));
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_mode & 0777, 0644);

    CHECK_OK(rename("a/f", "a/g"));
    CHECK_ERR(stat("a/f", &st), ENOENT);
    CHECK_OK(link("a/g", "h"));
    CHECK_OK(stat("h", &st));
    CHECK_EQ(st.st_nlink, 2);
    CHECK_OK(symlink("a/g", "s"));
    char buf[64];
    CHECK_EQ(readlink("s", buf, sizeof buf), 3);
    CHECK(memcmp(buf, "a/g", 3) == 0);
    CHECK_OK(lstat("s", &st));
    CHECK(S_ISLNK(st.st_mode));
    CHECK_OK(stat("s", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(chmod("h", 0600));
    CHECK_OK(stat("a/g", &st));
    CHECK_EQ(st.st_mode & 0777, 0600);
    CHECK_OK(chown("h", getuid(), getgid()));
    CHECK_OK(lchown("s", getuid(), getgid()));
    CHECK_OK(truncate("h", 2));
    CHECK_OK(stat("a/g", &st));
    CHECK_EQ(st.st_size, 2);
    struct timespec ts[2] = { { 1000000, 0 }, { 2000000, 0 } };
    CHECK_OK(utimensat(AT_FDCWD, "h", ts, 0));
    CHECK_OK(stat("h", &st));
    CHECK_EQ(st.st_mtime, 2000000);
    struct timeval tv[2] = { { 3000000, 0 }, { 4000000, 0 } };
    CHECK_OK(utimes("h", tv));
    CHECK_OK(stat("h", &st));
    CHECK_EQ(st.st_mtime, 4000000);
    struct utimbuf ub = { 5000000, 6000000 };
    CHECK_OK(utime("h", &ub));
    CHECK_OK(stat("h", &st));
    CHECK_EQ(st.st_mtime, 6000000);
    CHECK_OK(access("h", R_OK | W_OK));
    struct statvfs sv;
    CHECK_OK(statvfs("a", &sv));
    CHECK(sv.f_bsize > 0);
    CHECK_ERR(rmdir("a"), ENOTEMPTY);
    CHECK_OK(unlink("h"));
    CHECK_OK(unlink("s"));
    CHECK_OK(remove("a/g"));
    CHECK_OK(remove("a"));
    CHECK_OK(mkfifo("fifo", 0666));
    CHECK_OK(lstat("fifo", &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0644);
    CHECK_OK(unlink("fifo"));

    /* The *at forms with a directory descriptor. */
    CHECK_OK(mkdir("d", 0755));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK_OK(chdir("/"));
    CHECK_OK(mkdirat(dfd, "x", 0755));
    fd = openat(dfd, "x/y", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(fstatat(dfd, "x/y", &st, 0));
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(renameat(dfd, "x/y", dfd, "z"));
    CHECK_OK(linkat(dfd, "z", dfd, "z2", 0));
    CHECK_OK(symlinkat("z", dfd, "zl"));
    CHECK_EQ(readlinkat(dfd, "zl", buf, sizeof buf), 1);
    CHECK_OK(fchmodat(dfd, "z", 0640, 0));
    CHECK_OK(fstatat(dfd, "z2", &st, 0));
    CHECK_EQ(st.st_mode & 0777, 0640);
    CHECK_OK(faccessat(dfd, "z", R_OK, 0));
    CHECK_OK(fchownat(dfd, "z", getuid(), getgid(), 0));
    CHECK_OK(unlinkat(dfd, "z", 0));
    CHECK_OK(unlinkat(dfd, "z2", 0));
    CHECK_OK(unlinkat(dfd, "zl", 0));
    CHECK_OK(unlinkat(dfd, "x", AT_REMOVEDIR));
    CHECK_ERR(unlinkat(dfd, "x", AT_REMOVEDIR), ENOENT);
    close(dfd);
    snprintf(abs, sizeof abs, "%s/d", root);
    CHECK_OK(rmdir(abs));
    CHECK_OK(rmdir(root));
    return 0;
}
