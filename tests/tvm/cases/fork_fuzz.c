/* The fork fuzzer. fork relocates every word of the copied stack, heap and
 * globals that looks like a pointer into the parent's (docs/fork.md), so
 * data words must come through unchanged and real pointers must point at
 * the child's copies. Each round fills a heap block, a stack array and a
 * global array with words of several classes, forks, and the child checks
 * every word against the parent's values, which reach it through a pipe
 * (bytes in a pipe are not forked memory). Prints the changed words per
 * class; every class but TEXT_OVER_POINTER must have none. */
#include "tvmtest.h"

#include <stdint.h>

enum { WORDS = 512, ROUNDS = 3000, REGIONS = 3 };

enum word_class {
    SMALL,             /* 0 .. 65535 */
    NEGATIVE,          /* -65535 .. -1 */
    INT32,             /* any 32-bit value */
    RANDOM64,          /* any 64-bit value */
    TEXT,              /* eight printable characters */
    INT_OVER_POINTER,  /* a pointer's high half, a small int (< 16 Mi) below */
    TEXT_OVER_POINTER, /* a pointer whose low bytes a short string replaced */
    POINTER,           /* a real pointer into one of the three regions */
    CLASSES
};

static const char *const class_names[CLASSES] = {
    "small int", "negative int", "32-bit int", "64-bit random",
    "text", "int over pointer", "text over pointer", "pointer",
};

static uint64_t global_words[WORDS];

/* What the parent put in one word. */
struct expected {
    uint8_t cls;
    uint8_t region; /* POINTER: the region it points into */
    uint16_t slot;  /* POINTER: the word it points at */
    uint64_t value;
};

static uint64_t rng_state;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t make_word(struct expected *e, uint64_t *const regions[REGIONS])
{
    uint64_t r = next_random();
    uint64_t some_pointer = (uint64_t)(uintptr_t)&regions[r % REGIONS][(r >> 8) % WORDS];
    e->cls = (uint8_t)(next_random() % CLASSES);
    switch (e->cls) {
    case SMALL:
        return r % 65536;
    case NEGATIVE:
        return (uint64_t)-(int64_t)(1 + r % 65535);
    case INT32:
        return (uint32_t)r;
    case RANDOM64:
        return r;
    case TEXT: {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)(0x20 + (next_random() % 95)) << (8 * i);
        return v;
    }
    case INT_OVER_POINTER:
        if (r & 1) /* a small int just above the 4 GiB boundary... */
            return (some_pointer & ~0xffffffffull) | ((r >> 1) % (1u << 24));
        /* ...or a small negative one just below it */
        return ((some_pointer & ~0xffffffffull) - 1 - ((r >> 1) % (1u << 24))) & ~0ull;
    case TEXT_OVER_POINTER: {
        /* "a\0", "ab\0" or "abc\0" written over a pointer's low bytes. */
        int len = 2 + (int)(r % 3);
        uint64_t v = some_pointer & ~((1ull << (8 * len)) - 1);
        for (int i = 0; i < len - 1; i++)
            v |= (uint64_t)('a' + (next_random() % 26)) << (8 * i);
        return v;
    }
    default:
        e->region = (uint8_t)(r % REGIONS);
        e->slot = (uint16_t)((r >> 8) % WORDS);
        return (uint64_t)(uintptr_t)&regions[e->region][e->slot];
    }
}

/* The child: compares its copies with the parent's values from `in`, and
 * writes the changed and total counts per class to `out`. */
static void check_in_child(uint64_t *const regions[REGIONS], int in, int out)
{
    static struct expected want[REGIONS][WORDS];
    size_t got = 0;
    while (got < sizeof want) {
        ssize_t n = read(in, (char *)want + got, sizeof want - got);
        if (n <= 0)
            _exit(20);
        got += (size_t)n;
    }
    uint32_t counts[CLASSES][2] = { { 0 } };
    for (int g = 0; g < REGIONS; g++) {
        for (int i = 0; i < WORDS; i++) {
            const struct expected *e = &want[g][i];
            uint64_t expect = e->cls == POINTER ? (uint64_t)(uintptr_t)&regions[e->region][e->slot] : e->value;
            counts[e->cls][0] += regions[g][i] != expect;
            counts[e->cls][1]++;
        }
    }
    write_all(out, counts, sizeof counts);
}

static void round_trip(uint64_t totals[CLASSES][2])
{
    uint64_t stack_words[WORDS];
    uint64_t *heap_words = malloc(WORDS * sizeof *heap_words);
    CHECK(heap_words != NULL);
    uint64_t *const regions[REGIONS] = { heap_words, stack_words, global_words };
    static struct expected want[REGIONS][WORDS];
    for (int g = 0; g < REGIONS; g++)
        for (int i = 0; i < WORDS; i++)
            want[g][i].value = regions[g][i] = make_word(&want[g][i], regions);
    int to_child[2], from_child[2];
    CHECK_OK(pipe(to_child));
    CHECK_OK(pipe(from_child));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        uint64_t *const mine[REGIONS] = { heap_words, stack_words, global_words };
        check_in_child(mine, to_child[0], from_child[1]);
        _exit(0);
    }
    write_all(to_child[1], want, sizeof want);
    uint32_t counts[CLASSES][2];
    CHECK_EQ(read(from_child[0], counts, sizeof counts), (ssize_t)sizeof counts);
    CHECK_EQ(wait_exit(pid), 0);
    for (int c = 0; c < CLASSES; c++) {
        totals[c][0] += counts[c][0];
        totals[c][1] += counts[c][1];
    }
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    free(heap_words);
}

int main(void)
{
    rng_state = (uint64_t)time(NULL) * 2654435761u + (uint64_t)getpid();
    uint64_t totals[CLASSES][2] = { { 0 } };
    for (int round = 0; round < ROUNDS; round++)
        round_trip(totals);
    for (int c = 0; c < CLASSES; c++)
        printf("%-18s changed %6llu of %7llu (%.3f%%)\n", class_names[c], (unsigned long long)totals[c][0],
               (unsigned long long)totals[c][1], 100.0 * (double)totals[c][0] / (double)(totals[c][1] ? totals[c][1] : 1));
    for (int c = 0; c < CLASSES; c++)
        if (c != TEXT_OVER_POINTER)
            CHECK_EQ(totals[c][0], 0);
    return 0;
}
