/* scandir over the task's directory streams: a filter, alphasort and
 * versionsort (the host's), no sort, scandir64 with alphasort64, a filter
 * that rejects everything, a path relative to the cwd, errno kept on
 * success, ENOENT and ENOTDIR. The array and its entries are the caller's
 * to free. */
#include "tvmtest.h"

#include <dirent.h>

static int no_dots(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int no_dots64(const struct dirent64 *e)
{
    return e->d_name[0] != '.';
}

static int none(const struct dirent *e)
{
    (void)e;
    /* A filter that sets errno does not make scandir fail. */
    errno = EIO;
    return 0;
}

static void free_list(struct dirent **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64];
    scratch_dir(dir, sizeof dir);
    const char *names[] = { "f10", "b", "f9", "a", "c", ".hidden" };
    int nnames = sizeof names / sizeof names[0];
    for (int i = 0; i < nnames; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }

    struct dirent **list;
    errno = EINPROGRESS;
    int n = scandir(dir, &list, no_dots, alphasort);
    CHECK_EQ(n, 5);
    CHECK_EQ(errno, EINPROGRESS);
    const char *sorted[] = { "a", "b", "c", "f10", "f9" };
    for (int i = 0; i < n; i++) {
        CHECK_STR(list[i]->d_name, sorted[i]);
        CHECK_EQ(list[i]->d_type, DT_REG);
    }
    free_list(list, n);

    n = scandir(dir, &list, no_dots, versionsort);
    CHECK_EQ(n, 5);
    const char *versions[] = { "a", "b", "c", "f9", "f10" };
    for (int i = 0; i < n; i++)
        CHECK_STR(list[i]->d_name, versions[i]);
    free_list(list, n);

    /* No filter, no sort: everything, in directory order. */
    n = scandir(dir, &list, NULL, NULL);
    CHECK_EQ(n, nnames + 2);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    for (int i = 0; i < n; i++)
        CHECK_STR(list[i]->d_name, readdir(d)->d_name);
    CHECK(readdir(d) == NULL);
    CHECK_EQ(closedir(d), 0);
    free_list(list, n);

    struct dirent64 **list64;
    n = scandir64(dir, &list64, no_dots64, alphasort64);
    CHECK_EQ(n, 5);
    for (int i = 0; i < n; i++)
        CHECK_STR(list64[i]->d_name, sorted[i]);
    free_list((struct dirent **)list64, n);

    errno = 0;
    n = scandir(dir, &list, none, alphasort);
    CHECK_EQ(n, 0);
    CHECK_EQ(errno, 0);
    free(list);

    /* Relative to the cwd. */
    CHECK_OK(chdir(dir));
    n = scandir(".", &list, no_dots, alphasort);
    CHECK_EQ(n, 5);
    CHECK_STR(list[4]->d_name, "f9");
    free_list(list, n);
    CHECK_OK(chdir("/"));

    /* No descriptor is left behind. */
    int next = dup(0);
    close(next);
    n = scandir(dir, &list, NULL, alphasort);
    free_list(list, n);
    CHECK_EQ(dup(0), next);
    close(next);

    snprintf(path, sizeof path, "%s/missing", dir);
    CHECK_ERR(scandir(path, &list, NULL, alphasort), ENOENT);
    snprintf(path, sizeof path, "%s/a", dir);
    CHECK_ERR(scandir(path, &list, NULL, alphasort), ENOTDIR);

    for (int i = 0; i < nnames; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        CHECK_OK(unlink(path));
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
