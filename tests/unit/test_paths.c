/* test_paths.c - absolute paths, artifact URIs, side-file names and atomic
 * writes. argv[1] is a scratch directory (the build tree). */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include "ftc_engine.h"
#include "ftc_test.h"
#include "writer_common.h"

static ftc_arena arena;
static char scratch[PATH_MAX];

static void test_absolute(void)
{
    FTC_CHECK_STR(ftc_path_absolute(&arena, "a/./b/../c", "/w"), "/w/a/c");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "/x/y", "/w"), "/x/y");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "/../../x", NULL), "/x");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "//a//b/", NULL), "/a/b");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "", "/w/"), "/w");
    FTC_CHECK_STR(ftc_path_absolute(&arena, NULL, "/w"), "/w");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "../..", "/w"), "/");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "..a/.b", "/w"), "/w/..a/.b");

    /* Relative against the current directory, also through a relative
     * working directory. */
    char cwd[PATH_MAX];
    FTC_CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof(want), "%s/sub/f.c", strcmp(cwd, "/") ? cwd : "");
    FTC_CHECK_STR(ftc_path_absolute(&arena, "sub/f.c", NULL), want);
    FTC_CHECK_STR(ftc_path_absolute(&arena, "f.c", "sub"), want);
}

static void test_uri(void)
{
    int rel = -1;
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-root/src/a.c",
                                   "/nonexistent-root", NULL, &rel),
                  "src/a.c");
    FTC_CHECK_INT(rel, 1);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "src/./x/../a.c",
                                   "/nonexistent-root/", "/nonexistent-root",
                                   &rel),
                  "src/a.c");
    FTC_CHECK_INT(rel, 1);
    /* Relative source root: against the working directory. */
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-root/p/a.c", "p",
                                   "/nonexistent-root", &rel),
                  "a.c");
    FTC_CHECK_INT(rel, 1);
    /* Outside the root, or no root: an absolute file URI. */
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-other/a.c",
                                   "/nonexistent-root", NULL, &rel),
                  "file:///nonexistent-other/a.c");
    FTC_CHECK_INT(rel, 0);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-rootx/a.c",
                                   "/nonexistent-root", NULL, &rel),
                  "file:///nonexistent-rootx/a.c");
    FTC_CHECK_INT(rel, 0);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-root",
                                   "/nonexistent-root", NULL, &rel),
                  "file:///nonexistent-root");
    FTC_CHECK_INT(rel, 0);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-x/a.c", NULL, NULL,
                                   &rel),
                  "file:///nonexistent-x/a.c");
    FTC_CHECK_INT(rel, 0);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-x/a.c", "/", NULL,
                                   &rel),
                  "nonexistent-x/a.c");
    FTC_CHECK_INT(rel, 1);
    FTC_CHECK(ftc_artifact_uri(&arena, "/a", "/r", NULL, NULL) != NULL);

    /* Percent-encoding: space, non-ASCII, '%', '#', '?'; ':' only in a
     * relative reference, where it could read as a scheme. */
    FTC_CHECK_STR(ftc_artifact_uri(&arena,
                                   "/nonexistent-root/d ir/caf\xc3\xa9#1?%.c",
                                   "/nonexistent-root", NULL, &rel),
                  "d%20ir/caf%C3%A9%231%3F%25.c");
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-root/c:x/a+b@c.c",
                                   "/nonexistent-root", NULL, &rel),
                  "c%3Ax/a+b@c.c");
    FTC_CHECK_STR(ftc_artifact_uri(&arena, "/nonexistent-other/c:x/\x7f.c",
                                   "/nonexistent-root", NULL, &rel),
                  "file:///nonexistent-other/c:x/%7F.c");
    FTC_CHECK_STR(ftc_dir_uri(&arena, "/a b"), "file:///a%20b/");
    FTC_CHECK_STR(ftc_dir_uri(&arena, "/"), "file:///");

    /* Symlinks are resolved, in the file and in the root. */
    char real[PATH_MAX + 16], link[PATH_MAX + 16], file[PATH_MAX + 32];
    snprintf(real, sizeof(real), "%s/real", scratch);
    snprintf(link, sizeof(link), "%s/link", scratch);
    snprintf(file, sizeof(file), "%s/f.c", real);
    mkdir(real, 0777);
    unlink(link);
    FTC_CHECK(symlink(real, link) == 0);
    FILE *f = fopen(file, "w");
    FTC_CHECK(f != NULL);
    if (f)
        fclose(f);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, file, link, NULL, &rel), "f.c");
    FTC_CHECK_INT(rel, 1);
    snprintf(file, sizeof(file), "%s/f.c", link);
    FTC_CHECK_STR(ftc_artifact_uri(&arena, file, real, NULL, &rel), "f.c");
    FTC_CHECK_INT(rel, 1);
}

static void test_side_file_name(void)
{
    ftc_tu *tu = ftc_tu_new();
    FTC_CHECK(tu != NULL);
    if (tu == NULL)
        return;
    tu->working_dir = "/w";
    tu->main_file = "src/mod.c";
    tu->output_file = "/w/build/./mod.o";
    FTC_CHECK_STR(ftc_side_file_name(&arena, "/out", tu, "sarif"),
                  "/out/mod.c-1d365a48d6483fa1.sarif");
    FTC_CHECK_STR(ftc_side_file_name(&arena, "/out/", tu, "json"),
                  "/out/mod.c-1d365a48d6483fa1.json");
    tu->main_file = "/w/src/mod.c";
    tu->output_file = "build/mod.o";
    FTC_CHECK_STR(ftc_side_file_name(&arena, "/out", tu, "sarif"),
                  "/out/mod.c-1d365a48d6483fa1.sarif");
    /* The object file tells two compiles of one source apart. */
    tu->output_file = NULL;
    FTC_CHECK_STR(ftc_side_file_name(&arena, "out", tu, "sarif"),
                  "out/mod.c-fdd2099cc29cf6cc.sarif");
    tu->output_file = "";
    FTC_CHECK_STR(ftc_side_file_name(&arena, "out", tu, "sarif"),
                  "out/mod.c-fdd2099cc29cf6cc.sarif");
    tu->main_file = NULL;
    FTC_CHECK(ftc_side_file_name(&arena, NULL, tu, NULL) != NULL);
    ftc_tu_free(tu);
}

/* ---- atomic writes ------------------------------------------------------- */

static const char *payload;

static int write_payload(const ftc_result *res, FILE *out)
{
    (void)res;
    return fputs(payload, out) == EOF ? -1 : 0;
}

static int write_then_fail(const ftc_result *res, FILE *out)
{
    (void)res;
    fputs("partial", out);
    errno = ENOSPC;
    return -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Files in dir whose name contains ".tmp.". */
static int temp_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

static void test_atomic(void)
{
    char dir[PATH_MAX + 32], path[PATH_MAX + 64], err[512];
    snprintf(dir, sizeof(dir), "%s/atomic/a/b", scratch);
    snprintf(path, sizeof(path), "%s/out.txt", dir);

    payload = "hello\n";
    FTC_CHECK_INT(ftc_write_file_atomic(path, write_payload, NULL, err,
                                        sizeof(err)), 0);
    FTC_CHECK_STR(slurp(path), "hello\n");
    FTC_CHECK_INT(temp_files(dir), 0);

    /* A failing writer leaves the old file and no temporary behind. */
    FTC_CHECK_INT(ftc_write_file_atomic(path, write_then_fail, NULL, err,
                                        sizeof(err)), -1);
    FTC_CHECK(strstr(err, path) != NULL);
    FTC_CHECK(strstr(err, strerror(ENOSPC)) != NULL);
    FTC_CHECK_STR(slurp(path), "hello\n");
    FTC_CHECK_INT(temp_files(dir), 0);

    /* A directory that cannot be made: the message names the file. */
    char blocked[PATH_MAX + 64];
    snprintf(blocked, sizeof(blocked), "%s/out.txt/x/y.sarif", dir);
    FTC_CHECK_INT(ftc_write_file_atomic(blocked, write_payload, NULL, err,
                                        sizeof(err)), -1);
    FTC_CHECK(strstr(err, "out.txt/x") != NULL);
    FTC_CHECK(strstr(err, strerror(ENOTDIR)) != NULL);
    FTC_CHECK_INT(ftc_write_file_atomic(NULL, write_payload, NULL, err,
                                        sizeof(err)), -1);
    FTC_CHECK_INT(ftc_write_file_atomic(path, write_payload, NULL, NULL, 0),
                  0);

    /* Concurrent writers racing to create one directory and one file: the
     * file is always one writer's whole output. */
    static char big[4][100001];
    for (int k = 0; k < 4; k++) {
        memset(big[k], 'a' + k, sizeof(big[k]) - 1);
        big[k][sizeof(big[k]) - 1] = '\0';
    }
    snprintf(dir, sizeof(dir), "%s/atomic/race", scratch);
    snprintf(path, sizeof(path), "%s/deep/er/out.txt", dir);
    unlink(path);  /* start without the directories, to race on them */
    *strrchr(path, '/') = '\0';
    rmdir(path);
    *strrchr(path, '/') = '\0';
    rmdir(path);
    snprintf(path, sizeof(path), "%s/deep/er/out.txt", dir);
    pid_t kids[4];
    for (int k = 0; k < 4; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            payload = big[k];
            for (int i = 0; i < 20; i++)
                if (ftc_write_file_atomic(path, write_payload, NULL, err,
                                          sizeof(err)) != 0) {
                    fprintf(stderr, "child: %s\n", err);
                    _exit(1);
                }
            _exit(0);
        }
    }
    for (int k = 0; k < 4; k++) {
        int st = 0;
        FTC_CHECK(kids[k] > 0 && waitpid(kids[k], &st, 0) == kids[k]);
        FTC_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    const char *got = slurp(path);
    FTC_CHECK(got != NULL && strlen(got) == 100000);
    if (got) {
        int whole = 0;
        for (int k = 0; k < 4; k++)
            whole |= strcmp(got, big[k]) == 0;
        FTC_CHECK(whole);
    }
}

int main(int argc, char **argv)
{
    ftc_arena_init(&arena);
    const char *base = argc > 1 ? argv[1] : "/tmp";
    mkdir(base, 0777);
    snprintf(scratch, sizeof(scratch), "%s/test_paths", base);
    mkdir(scratch, 0777);
    test_absolute();
    test_uri();
    test_side_file_name();
    test_atomic();
    ftc_arena_release(&arena);
    FTC_TEST_EXIT();
}
