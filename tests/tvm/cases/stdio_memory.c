/* Memory streams: open_memstream grows a buffer the guest frees, and
 * stores it in *bufp and *sizep on fflush and fclose only; fmemopen reads
 * and writes a fixed buffer. */
#include "tvmtest.h"

int main(void)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&buf, &size);
    CHECK(m != NULL);
    CHECK(buf == NULL && size == 0);
    fputs("x", m);
    CHECK(buf == NULL);
    CHECK_OK(fseek(m, 0, SEEK_SET));
    for (int i = 0; i < 1000; i++)
        fprintf(m, "%d,", i);
    CHECK_EQ(fflush(m), 0);
    CHECK_EQ(size, strlen(buf));
    CHECK(strncmp(buf, "0,1,2,", 6) == 0);
    CHECK_OK(fseek(m, 2, SEEK_SET));
    fputs("X", m);
    CHECK_EQ(fclose(m), 0);
    CHECK_EQ(size, 3);
    CHECK(strncmp(buf, "0,X", 3) == 0);
    free(buf);

    char fixed[8] = "abcdefg";
    m = fmemopen(fixed, sizeof fixed, "r");
    char got[16];
    CHECK(fgets(got, sizeof got, m) != NULL);
    CHECK_STR(got, "abcdefg");
    CHECK_EQ(fclose(m), 0);

    m = fmemopen(fixed, sizeof fixed, "w");
    CHECK_EQ(fprintf(m, "%s", "hi"), 2);
    CHECK_EQ(fclose(m), 0);
    CHECK_STR(fixed, "hi");

    m = fmemopen(fixed, sizeof fixed, "a");
    fputs("+", m);
    CHECK_EQ(fclose(m), 0);
    CHECK_STR(fixed, "hi+");

    /* Full: further writes fail. */
    m = fmemopen(fixed, 4, "w");
    setbuf(m, NULL);
    CHECK_EQ(fputs("1234", m), 1);
    CHECK_EQ(fputc('5', m), EOF);
    CHECK(ferror(m));
    fclose(m);

    m = fmemopen(NULL, 16, "w+");
    fputs("own buffer", m);
    rewind(m);
    CHECK(fgets(got, sizeof got, m) != NULL);
    CHECK_STR(got, "own buffer");
    CHECK_EQ(fclose(m), 0);
    /* Size 0 is allowed (glibc): end-of-file at once. */
    m = fmemopen(fixed, 0, "r");
    CHECK(m != NULL);
    CHECK_EQ(fgetc(m), EOF);
    CHECK(feof(m));
    CHECK_EQ(fclose(m), 0);
    return 0;
}
