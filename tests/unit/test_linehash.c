/* test_linehash.c - ftc_line_hashes() against the values pinned by
 * github/codeql-action's own tests (src/fingerprints.test.ts). */
#include <stdlib.h>
#include <string.h>

#include "ftc_engine.h"
#include "ftc_test.h"

static void check_hashes(const char *text, size_t len,
                         const char *const *want, unsigned nwant,
                         const char *what)
{
    ftc_arena a;
    unsigned n = 12345;

    ftc_arena_init(&a);
    char **got = ftc_line_hashes(&a, text, len, &n);
    FTC_CHECK(got != NULL);
    if (n != nwant)
        fprintf(stderr, "  in case: %s\n", what);
    FTC_CHECK_INT(n, nwant);
    for (unsigned i = 0; got && i < n && i < nwant; i++)
        FTC_CHECK_STR(got[i], want[i]);
    ftc_arena_release(&a);
}

#define CHECK_HASHES(text, ...)                                             \
    do {                                                                    \
        static const char *const want_[] = {__VA_ARGS__};                   \
        check_hashes((text), strlen(text), want_,                           \
                     (unsigned)(sizeof(want_) / sizeof(want_[0])), #text);  \
    } while (0)

static const char *const greetings[] = {
    "e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
};

static void test_pinned(void)
{
    CHECK_HASHES("", "c129715d7a2bc9a3:1");
    CHECK_HASHES(" a\nb\n  \t\tc\n d",
                 "271789c17abda88f:1", "54703d4cd895b18:1",
                 "180aee12dab6264:1", "a23a3dc5e078b07b:1");
    CHECK_HASHES(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
                 "8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1",
                 "bff680108adb0fcc:1", "c6805c5e1288b612:1",
                 "b86d3392aea1be30:1", "e6ceba753e1a442:1");

    static const char *const texts[] = {
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
        " hello; \t\rworld!!!\r\r\r  \t\tGreetings\r End\r",
        " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
        " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        check_hashes(texts[i], strlen(texts[i]), greetings, 7, texts[i]);
}

static void test_lorem(void)
{
    char text[400] = "";
    for (int i = 0; i < 10; i++)
        strcat(text, "Lorem ipsum dolor sit amet.\n");
    CHECK_HASHES(text,
                 "a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2",
                 "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
                 "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
                 "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
                 "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1",
                 "c129715d7a2bc9a3:1");
}

/* Odd input must neither crash nor lose lines. */
static void test_odd_input(void)
{
    ftc_arena a;
    unsigned n = 99;

    ftc_arena_init(&a);
    char **got = ftc_line_hashes(&a, NULL, 10, &n);
    FTC_CHECK(got != NULL);
    FTC_CHECK_INT(n, 1);
    if (got)
        FTC_CHECK_STR(got[0], "c129715d7a2bc9a3:1");

    /* Invalid UTF-8, a truncated sequence, a NUL and a 4-byte character:
     * one hash per line all the same. */
    static const char bad[] = "\xff\xfe x\n\xe2\x82\n\0\xf0\x9f\x98\x80\n\xed\xa0\x80";
    got = ftc_line_hashes(&a, bad, sizeof(bad) - 1, &n);
    FTC_CHECK(got != NULL);
    FTC_CHECK_INT(n, 4);

    /* Invalid bytes hash as U+FFFD, like Node's decoder: "\xff" and the
     * UTF-8 of U+FFFD give the same hashes. */
    char **x = ftc_line_hashes(&a, "a\xff" "b\n", 4, &n);
    char **y = ftc_line_hashes(&a, "a\xef\xbf\xbd" "b\n", 6, &n);
    FTC_CHECK(x && y);
    if (x && y) {
        FTC_CHECK_STR(x[0], y[0]);
        FTC_CHECK_STR(x[1], y[1]);
    }

    /* Long lines and many of them. */
    size_t len = 300000;
    char *big = malloc(len);
    FTC_CHECK(big != NULL);
    if (big) {
        for (size_t i = 0; i < len; i++)
            big[i] = (i % 37 == 36) ? '\n' : (char)('a' + i % 26);
        got = ftc_line_hashes(&a, big, len, &n);
        FTC_CHECK(got != NULL);
        FTC_CHECK_INT(n, len / 37 + 1);
        free(big);
    }
    ftc_arena_release(&a);
}

int main(void)
{
    test_pinned();
    test_lorem();
    test_odd_input();
    FTC_TEST_EXIT();
}
