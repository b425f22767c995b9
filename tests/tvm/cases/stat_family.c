/* stat, lstat, fstat, fstatat (and the 64 variants) on files, links, pipes,
 * and registered programs that have no host file; stat taken by address. */
#include "tvmtest.h"
#include <fcntl.h>
#include <sys/stat.h>

int main(void)
{
    struct stat st, st2;
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode));

    CHECK_OK(stat(TVMTEST_DIR "echo_args", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0755);
    CHECK_EQ(st.st_uid, 0);
    CHECK(st.st_ino != 0);
    CHECK_OK(lstat(TVMTEST_DIR "../tvmtest/./echo_args", &st2));
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_OK(stat("/bin/tvm", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERR(stat(TVMTEST_DIR "not_a_program", &st), ENOENT);
    CHECK_ERR(stat(TVMTEST_DIR "echo_args/x", &st), ENOENT);
    /* Taken by address (toybox's "(flag ? stat : lstat)(...)"), stat is
     * still the runtime's: the host's would not see a registered program. */
    int (*by_address)(const char *, struct stat *) = stat;
    CHECK_OK(by_address(TVMTEST_DIR "echo_args", &st));
    CHECK(S_ISREG(st.st_mode));

    char dir[PATH_MAX];
    tmp_path(dir, sizeof dir, "tvm-stat-XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0644);
    write_all(fd, "1234567", 7);
    CHECK_OK(symlinkat("f", dfd, "l"));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 7);
    CHECK_OK(fstatat(dfd, "l", &st2, 0));
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_OK(fstatat(dfd, "l", &st2, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(st2.st_mode));
    CHECK_OK(fstatat(fd, "", &st2, AT_EMPTY_PATH));
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_ERR(fstatat(dfd, "missing", &st2, 0), ENOENT);
    CHECK_ERR(stat("", &st2), ENOENT);
    CHECK_ERR(fstatat(dfd, "f", &st2, 0x40000000), EINVAL);

    struct stat64 s64;
    CHECK_OK(fstat64(fd, &s64));
    CHECK_EQ(s64.st_size, 7);
    CHECK_OK(fstatat64(dfd, "f", &s64, 0));
    CHECK_EQ(s64.st_ino, st.st_ino);
    CHECK_OK(lstat64(TVMTEST_DIR "echo_args", &s64));
    CHECK(S_ISREG(s64.st_mode));

    close(fd);
    CHECK_OK(unlinkat(dfd, "l", 0));
    CHECK_OK(unlinkat(dfd, "f", 0));
    close(dfd);
    CHECK_OK(rmdir(dir));
    return 0;
}
