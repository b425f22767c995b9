/* Streams on files: fopen modes, reading and writing, fseek/ftell,
 * fgetpos/fsetpos, rewind, ungetc, getline/getdelim, fgets, feof, append,
 * freopen keeping the descriptor, setvbuf with the guest's buffer, fdopen,
 * tmpfile. */
#include "tvmtest.h"
#include <sys/inotify.h>

int main(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 64], buf[64];
    scratch_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/f", dir);

    FILE *f = fopen(path, "w+");
    CHECK(f != NULL);
    CHECK_EQ(fprintf(f, "one\ntwo\nthree"), 13);
    CHECK_EQ(ftell(f), 13);
    rewind(f);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    CHECK_STR(buf, "one\n");
    CHECK_EQ(ftell(f), 4);
    CHECK_EQ(fgetc(f), 't');
    CHECK_EQ(ungetc('T', f), 'T');
    CHECK_EQ(ftell(f), 4);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    CHECK_STR(buf, "Two\n");
    fpos_t pos;
    CHECK_OK(fgetpos(f, &pos));
    char *line = NULL;
    size_t cap = 0;
    CHECK_EQ(getline(&line, &cap, f), 5);
    CHECK_STR(line, "three");
    CHECK(feof(f));
    CHECK_EQ(getline(&line, &cap, f), -1);
    CHECK_OK(fsetpos(f, &pos));
    CHECK(!feof(f));
    CHECK_EQ(getdelim(&line, &cap, 'e', f), 4);
    CHECK_STR(line, "thre");
    free(line);
    CHECK_OK(fseek(f, -2, SEEK_END));
    CHECK_EQ(fread(buf, 1, sizeof buf, f), 2);
    CHECK(memcmp(buf, "ee", 2) == 0);
    /* Switching from reading to writing at the current position. */
    CHECK_OK(fseek(f, 0, SEEK_SET));
    CHECK_EQ(fgetc(f), 'o');
    CHECK_OK(fseek(f, 0, SEEK_CUR));
    CHECK_EQ(fputc('N', f), 'N');
    CHECK_EQ(fclose(f), 0);

    f = fopen(path, "r");
    CHECK_EQ(fread(buf, 1, sizeof buf, f), 13);
    CHECK(memcmp(buf, "oNe\ntwo\nthree", 13) == 0);
    CHECK_EQ(fclose(f), 0);

    /* Append always writes at the end; x refuses an existing file. */
    f = fopen(path, "a");
    CHECK_EQ(fputs("!", f), 1);
    CHECK_EQ(fclose(f), 0);
    CHECK(fopen(path, "wx") == NULL);
    CHECK_EQ(errno, EEXIST);
    f = fopen(path, "re");
    CHECK_EQ(fcntl(fileno(f), F_GETFD), FD_CLOEXEC);
    CHECK_EQ(fseek(f, -1, SEEK_END), 0);
    CHECK_EQ(fgetc(f), '!');
    CHECK_EQ(fgetc(f), EOF);
    CHECK(feof(f) && !ferror(f));
    CHECK_EQ(fclose(f), 0);

    /* freopen keeps the descriptor number. */
    int before = fileno(stdin);
    CHECK(freopen(path, "r", stdin) == stdin);
    CHECK_EQ(fileno(stdin), before);
    CHECK_EQ(getchar(), 'o');

    /* The guest's own buffer (glibc bypasses buffers under 128 bytes). */
    static char mine[256];
    f = fopen(path, "w");
    CHECK_EQ(setvbuf(f, mine, _IOFBF, sizeof mine), 0);
    fputs("abc", f);
    CHECK(memcmp(mine, "abc", 3) == 0);
    CHECK_EQ(fclose(f), 0);

    /* Unbuffered: every write reaches the file at once. */
    f = fopen(path, "w");
    setbuf(f, NULL);
    fputs("now", f);
    int fd = open(path, O_RDONLY);
    CHECK_EQ(read(fd, buf, sizeof buf), 3);
    close(fd);
    CHECK_EQ(fclose(f), 0);

    /* fdopen on a descriptor opened for appending with "a". */
    fd = open(path, O_WRONLY);
    f = fdopen(fd, "a");
    CHECK(f != NULL);
    CHECK(fcntl(fd, F_GETFL) & O_APPEND);
    fputs("++", f);
    CHECK_EQ(fclose(f), 0);
    CHECK(!fd_is_open(fd));
    f = fopen(path, "r");
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    CHECK_STR(buf, "now++");
    CHECK_EQ(fclose(f), 0);

    /* tmpfile's file is made in $TMPDIR (this test's directory). */
    char tmp[PATH_MAX];
    int in = inotify_init1(IN_NONBLOCK);
    CHECK(in >= 0);
    CHECK(inotify_add_watch(in, tmp_path(tmp, sizeof tmp, "."), IN_CREATE) >= 0);
    f = tmpfile();
    CHECK(f != NULL);
    char ev[sizeof(struct inotify_event) + NAME_MAX + 1] __attribute__((aligned(8)));
    CHECK(read(in, ev, sizeof ev) > 0);
    CHECK(strncmp(((struct inotify_event *)ev)->name, "tmpf", 4) == 0);
    close(in);
    fputs("scratch", f);
    rewind(f);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    CHECK_STR(buf, "scratch");
    CHECK_EQ(fclose(f), 0);
    unlink(path);
    rmdir(dir);
    return 0;
}
