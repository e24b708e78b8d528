/* bad_input.c: every bad-input row of the C ABI, checked from C. Each call must return its
 * documented status and leave the library working: null pointers, bad sizes and kinds, sizes that
 * cannot be allocated (PARFOR_ERR_NOMEM), calls stopped by parfor_cancel() from another thread or
 * a signal handler (PARFOR_ERR_CANCELLED), and the parfor_last_error() text. Given the directory
 * of the library files (`make lib`), it also checks the SONAME (readelf) and that libparfor.so and
 * libparfor.a export exactly the same symbols, all parfor_* (nm).
 *
 *   make bad_input && LD_LIBRARY_PATH=build/lib ./build/bad_input build/lib
 */
#define _XOPEN_SOURCE 700
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "parfor.h"

static int failures = 0;

#define EXPECT(call, want)                                                                        \
    do {                                                                                          \
        int got_ = (call);                                                                        \
        if (got_ != (want)) {                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s returned %d (%s), expected %d\n", __FILE__, __LINE__, \
                    #call, got_, parfor_status_message(got_), (want));                            \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)

#define EXPECT_TEXT(got, want)                                                                   \
    do {                                                                                         \
        const char *got_ = (got);                                                                \
        if (strcmp(got_, (want)) != 0) {                                                         \
            fprintf(stderr, "FAIL %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #got, \
                    got_, (want));                                                               \
            failures++;                                                                          \
        }                                                                                        \
    } while (0)

static void count(int64_t b, int64_t e, void *ctx) {
    int64_t *hits = ctx;
    for (int64_t i = b; i < e; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
}

typedef struct {
    int64_t base;
    int64_t hits[100];
} offset_hits;

static void count_from(int64_t b, int64_t e, void *ctx) {
    offset_hits *oh = ctx;
    for (int64_t i = b; i < e; i++) __atomic_fetch_add(&oh->hits[i - oh->base], 1, __ATOMIC_RELAXED);
}

static void never(int64_t b, int64_t e, void *ctx) {
    (void)b, (void)e;
    *(int *)ctx = 1;
}

static double ones(int64_t b, int64_t e, void *ctx) {
    (void)ctx;
    return (double)(e - b);
}

static double one_each(int64_t b, int64_t e, void *ctx) {
    (void)ctx, (void)e;
    return (double)b + 1.0; /* chunks of size 1: the value of iteration b, b + 1 */
}

static void nested(int64_t b, int64_t e, void *ctx) {
    int64_t *hits = ctx;
    for (int64_t i = b; i < e; i++) {
        parfor_schedule dyn = {PARFOR_DYNAMIC, 1};
        int64_t inner[4] = {0, 0, 0, 0};
        if (parfor_parallel_for(0, 4, dyn, count, inner) == PARFOR_OK && inner[0] + inner[1] + inner[2] + inner[3] == 4 &&
            parfor_in_parallel())
            __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
    }
}

/* ---- cancellation: a call runs on a thread while the main thread cancels it. ---- */

typedef struct {
    const char *name;
    int (*call)(void);
    int status;
    int done;
} cancel_case;

static int huge_pi(void) {
    double pi;
    return parfor_pi(1000000000000000ULL, 1, &pi); /* 1e15 points: days of work, no memory */
}
static int huge_weather(void) {
    double mean, sd;
    return parfor_weather(1ULL << 53, 100, 1, &mean, &sd);
}
static int huge_bootstrap(void) {
    double mm, ms;
    return parfor_bootstrap(1ULL << 53, 1000, 1, NULL, NULL, 0, &mm, &ms);
}
static int huge_mandelbrot(void) {
    uint64_t total;
    return parfor_mandelbrot(UINT32_MAX, UINT32_MAX, 100, NULL, 0, &total); /* total only */
}
static void nothing(int64_t b, int64_t e, void *ctx) {
    (void)b, (void)e, (void)ctx;
}
static int endless_loop(void) {
    return parfor_parallel_for(0, INT64_MAX, (parfor_schedule){PARFOR_DYNAMIC, 1000}, nothing, NULL);
}

static void *run_case(void *arg) {
    cancel_case *c = arg;
    c->status = c->call();
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Runs the case on a thread and cancels every 20 ms (a cancel that falls between two loops of a
 * kernel affects neither) until it returns, for at most 20 s. */
static void expect_cancelled(cancel_case *c) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, run_case, c) != 0) {
        fprintf(stderr, "FAIL: pthread_create for %s\n", c->name);
        failures++;
        return;
    }
    sleep_ms(50);
    for (int i = 0; i < 1000 && !__atomic_load_n(&c->done, __ATOMIC_ACQUIRE); i++) {
        parfor_cancel();
        sleep_ms(20);
    }
    if (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
        fprintf(stderr, "FAIL: %s did not stop within 20 s of parfor_cancel()\n", c->name);
        exit(1); /* the thread still runs: nothing more can be checked */
    }
    pthread_join(thread, NULL);
    if (c->status != PARFOR_ERR_CANCELLED) {
        fprintf(stderr, "FAIL: cancelled %s returned %d (%s: %s), expected PARFOR_ERR_CANCELLED\n", c->name,
                c->status, parfor_status_message(c->status), parfor_last_error());
        failures++;
    }
}

/* Set while the call the timer should stop runs: a SIGALRM delivered late (after the timer is
 * off, as valgrind does) must not cancel a later call. */
static int alarm_cancels = 0;

static void cancel_on_signal(int sig) {
    (void)sig;
    if (__atomic_load_n(&alarm_cancels, __ATOMIC_ACQUIRE)) parfor_cancel();
}

/* ---- the library files: SONAME and exported symbols. ---- */

/* The first line of `command`'s output, "" if none. */
static void first_line(const char *command, char *line, size_t size) {
    line[0] = '\0';
    FILE *p = popen(command, "r");
    if (!p) return;
    if (!fgets(line, (int)size, p)) line[0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    pclose(p);
}

static void check_library_files(const char *dir) {
    char command[4096], line[4096];
    snprintf(command, sizeof command, "readelf -d '%s/libparfor.so' | sed -n 's/.*(SONAME).*\\[\\(.*\\)\\]/\\1/p'",
             dir);
    first_line(command, line, sizeof line);
    char want[64];
    snprintf(want, sizeof want, "libparfor.so.%d", PARFOR_VERSION_MAJOR);
    EXPECT_TEXT(line, want);

    /* Every global symbol defined by either library starts with parfor_ ... */
    snprintf(command, sizeof command,
             "{ nm -D --defined-only '%s/libparfor.so'; nm -g --defined-only '%s/libparfor.a'; } "
             "| awk 'NF == 3 && $3 !~ /^parfor_/' | wc -l",
             dir, dir);
    first_line(command, line, sizeof line);
    EXPECT_TEXT(line, "0");
    /* ... and both export the same list, which has the new entry points. */
    snprintf(command, sizeof command,
             "nm -D --defined-only '%s/libparfor.so' | awk 'NF == 3 { print $3 }' | sort > /tmp/parfor-so-$$ && "
             "nm -g --defined-only '%s/libparfor.a' | awk 'NF == 3 { print $3 }' | sort | "
             "cmp -s - /tmp/parfor-so-$$ && grep -c -e '^parfor_cancel$' -e '^parfor_last_error$' /tmp/parfor-so-$$; "
             "rm -f /tmp/parfor-so-$$",
             dir, dir);
    first_line(command, line, sizeof line);
    EXPECT_TEXT(line, "2");
}

int main(int argc, char **argv) {
    parfor_schedule st = {PARFOR_STATIC, 0};
    double out = 0;
    int flag = 0;
    int64_t hits[100];

    /* Null pointers. */
    EXPECT(parfor_parallel_for(0, 10, st, NULL, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_parallel_reduce_f64(0, 10, st, PARFOR_SUM, NULL, NULL, &out), PARFOR_ERR_NULL);
    EXPECT(parfor_parallel_reduce_f64(0, 10, st, PARFOR_SUM, ones, NULL, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_get_schedule(NULL), PARFOR_ERR_NULL);

    /* Kinds and operators outside their tables, negative chunks. */
    int bad_kinds[] = {-1, 5, 1000, INT32_MIN, INT32_MAX};
    for (size_t k = 0; k < sizeof bad_kinds / sizeof bad_kinds[0]; k++) {
        parfor_schedule bad = {bad_kinds[k], 0};
        EXPECT(parfor_parallel_for(0, 10, bad, never, &flag), PARFOR_ERR_INVALID);
        EXPECT(parfor_parallel_reduce_f64(0, 10, bad, PARFOR_SUM, ones, NULL, &out), PARFOR_ERR_INVALID);
        EXPECT(parfor_set_schedule(bad), PARFOR_ERR_INVALID);
    }
    parfor_schedule negative = {PARFOR_DYNAMIC, -1};
    EXPECT(parfor_parallel_for(0, 10, negative, never, &flag), PARFOR_ERR_INVALID);
    parfor_schedule chunked_auto = {PARFOR_AUTO, 4};
    EXPECT(parfor_parallel_for(0, 10, chunked_auto, never, &flag), PARFOR_ERR_INVALID);
    EXPECT(parfor_set_schedule((parfor_schedule){PARFOR_RUNTIME, 0}), PARFOR_ERR_INVALID);
    int bad_ops[] = {-1, 4, 99};
    for (size_t k = 0; k < sizeof bad_ops / sizeof bad_ops[0]; k++)
        EXPECT(parfor_parallel_reduce_f64(0, 10, st, bad_ops[k], ones, NULL, &out), PARFOR_ERR_INVALID);
    if (flag) {
        fprintf(stderr, "FAIL: a body ran for a refused call\n");
        failures++;
    }

    /* Team sizes. */
    EXPECT(parfor_set_num_threads(0), PARFOR_ERR_INVALID);
    EXPECT(parfor_set_num_threads(-3), PARFOR_ERR_INVALID);
    EXPECT(parfor_set_num_threads(INT32_MIN), PARFOR_ERR_INVALID);

    /* Empty and reversed ranges run nothing and are not errors; reductions give the identity. */
    EXPECT(parfor_parallel_for(5, 5, st, never, &flag), PARFOR_OK);
    EXPECT(parfor_parallel_for(10, -10, st, never, &flag), PARFOR_OK);
    EXPECT(parfor_parallel_for(INT64_MAX, INT64_MIN, st, never, &flag), PARFOR_OK);
    int ops[] = {PARFOR_SUM, PARFOR_PROD, PARFOR_MIN, PARFOR_MAX};
    double identities[] = {0.0, 1.0, INFINITY, -INFINITY};
    for (int k = 0; k < 4; k++) {
        out = 42;
        EXPECT(parfor_parallel_reduce_f64(3, 3, st, ops[k], ones, NULL, &out), PARFOR_OK);
        if (out != identities[k]) {
            fprintf(stderr, "FAIL: empty reduction with op %d gave %g\n", ops[k], out);
            failures++;
        }
    }
    if (flag) {
        fprintf(stderr, "FAIL: a body ran for an empty range\n");
        failures++;
    }

    /* Ranges at the ends of int64_t. */
    for (int end = 0; end < 2; end++) {
        offset_hits oh = {end ? INT64_MAX - 100 : INT64_MIN, {0}};
        EXPECT(parfor_parallel_for(oh.base, oh.base + 100, (parfor_schedule){PARFOR_GUIDED, 1}, count_from, &oh), PARFOR_OK);
        for (int i = 0; i < 100; i++)
            if (oh.hits[i] != 1) fprintf(stderr, "FAIL: range end %d index %d\n", end, i), failures++;
    }

    /* Every schedule covers every index exactly once, and reductions are right. */
    parfor_schedule all[] = {{PARFOR_STATIC, 0}, {PARFOR_STATIC, 3}, {PARFOR_DYNAMIC, 0}, {PARFOR_DYNAMIC, 7},
                             {PARFOR_GUIDED, 0}, {PARFOR_GUIDED, 2}, {PARFOR_RUNTIME, 0}, {PARFOR_AUTO, 0}};
    for (size_t s = 0; s < sizeof all / sizeof all[0]; s++) {
        memset(hits, 0, sizeof hits);
        EXPECT(parfor_parallel_for(0, 100, all[s], count, hits), PARFOR_OK);
        for (int i = 0; i < 100; i++)
            if (hits[i] != 1) {
                fprintf(stderr, "FAIL: schedule %d,%lld ran index %d %lld times\n", all[s].kind,
                        (long long)all[s].chunk, i, (long long)hits[i]);
                failures++;
                break;
            }
        EXPECT(parfor_parallel_reduce_f64(0, 100, all[s], PARFOR_SUM, ones, NULL, &out), PARFOR_OK);
        if (out != 100.0) {
            fprintf(stderr, "FAIL: sum of ones = %g\n", out);
            failures++;
        }
    }
    parfor_schedule one = {PARFOR_DYNAMIC, 1};
    EXPECT(parfor_parallel_reduce_f64(0, 10, one, PARFOR_MAX, one_each, NULL, &out), PARFOR_OK);
    if (out != 10.0) fprintf(stderr, "FAIL: max = %g\n", out), failures++;
    EXPECT(parfor_parallel_reduce_f64(0, 10, one, PARFOR_MIN, one_each, NULL, &out), PARFOR_OK);
    if (out != 1.0) fprintf(stderr, "FAIL: min = %g\n", out), failures++;
    EXPECT(parfor_parallel_reduce_f64(0, 5, one, PARFOR_PROD, one_each, NULL, &out), PARFOR_OK);
    if (out != 120.0) fprintf(stderr, "FAIL: prod = %g\n", out), failures++;

    /* A loop inside a body runs (serially) and is correct. */
    memset(hits, 0, sizeof hits);
    EXPECT(parfor_parallel_for(0, 20, one, nested, hits), PARFOR_OK);
    for (int i = 0; i < 20; i++)
        if (hits[i] != 1) fprintf(stderr, "FAIL: nested loop at %d\n", i), failures++;

    /* A panic inside the runtime becomes a status, and the pool still works. */
    EXPECT(parfor_selftest_panic(), PARFOR_ERR_PANIC);
    memset(hits, 0, sizeof hits);
    EXPECT(parfor_parallel_for(0, 100, one, count, hits), PARFOR_OK);
    for (int i = 0; i < 100; i++)
        if (hits[i] != 1) fprintf(stderr, "FAIL: after a panic, index %d\n", i), failures++;

    /* Messages exist for every status, also unknown ones. */
    for (int s = -2; s < 8; s++)
        if (parfor_status_message(s) == NULL || parfor_status_message(s)[0] == '\0')
            fprintf(stderr, "FAIL: no message for %d\n", s), failures++;
    if (strlen(parfor_version()) == 0) fprintf(stderr, "FAIL: empty version\n"), failures++;

    /* Kernels: sizes, null and overlapping or misaligned arrays, lengths that do not match. */
    double xs[8] = {1, 4, 9, 16, 25, 36, 49, 64}, sums[8];
    float fs[8];
    uint32_t counts[16];
    uint64_t total = 0;
    double a = 0, b = 0;
    EXPECT(parfor_pi(0, 1, &out), PARFOR_ERR_INVALID);
    EXPECT(parfor_pi(100, 1, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_roots(NULL, fs, 8), PARFOR_ERR_NULL);
    EXPECT(parfor_roots(xs, NULL, 8), PARFOR_ERR_NULL);
    EXPECT(parfor_roots(NULL, NULL, 0), PARFOR_OK);
    EXPECT(parfor_roots(xs, (float *)(void *)(xs + 1), 4), PARFOR_ERR_INVALID); /* overlap */
    EXPECT(parfor_roots((const double *)(const void *)((const char *)xs + 1), fs, 2), PARFOR_ERR_INVALID);
    EXPECT(parfor_roots(xs, fs, SIZE_MAX), PARFOR_ERR_INVALID);
    EXPECT(parfor_roots(xs, fs, 8), PARFOR_OK);
    if (fs[7] != 8.0f) fprintf(stderr, "FAIL: roots of 64 = %g\n", fs[7]), failures++;
    EXPECT(parfor_roots_sum(xs, xs, 8), PARFOR_ERR_INVALID); /* in place: overlap */
    EXPECT(parfor_roots_sum(xs, sums, SIZE_MAX / 4), PARFOR_ERR_INVALID);
    EXPECT(parfor_roots_sum(xs, sums, 8), PARFOR_OK);
    if (sums[3] != 36.0) fprintf(stderr, "FAIL: roots_sum = %g\n", sums[3]), failures++;
    EXPECT(parfor_roots_input(1, NULL, 4), PARFOR_ERR_NULL);
    EXPECT(parfor_wealth(0, 10, 1, &out), PARFOR_ERR_INVALID);
    EXPECT(parfor_wealth(10, 10, 1, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_weather(0, 10, 1, &a, &b), PARFOR_ERR_INVALID);
    EXPECT(parfor_weather(10, 10, 1, &a, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_grid_max(0, &out), PARFOR_ERR_INVALID);
    EXPECT(parfor_grid_max(10, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_bootstrap(0, 10, 1, NULL, NULL, 0, &a, &b), PARFOR_ERR_INVALID);
    EXPECT(parfor_bootstrap(8, 0, 1, NULL, NULL, 0, &a, &b), PARFOR_ERR_INVALID);
    EXPECT(parfor_bootstrap(8, 10, 1, sums, xs, 7, &a, &b), PARFOR_ERR_INVALID); /* len != tasks */
    EXPECT(parfor_bootstrap(8, 10, 1, sums, sums, 8, &a, &b), PARFOR_ERR_INVALID); /* means and stds alias */
    EXPECT(parfor_bootstrap(8, 10, 1, sums, NULL, 8, &a, &b), PARFOR_ERR_NULL);
    EXPECT(parfor_bootstrap(8, 10, 1, NULL, NULL, 0, NULL, &b), PARFOR_ERR_NULL);
    EXPECT(parfor_mandelbrot(0, 4, 10, NULL, 0, &total), PARFOR_ERR_INVALID);
    EXPECT(parfor_mandelbrot(4, 4, 0, NULL, 0, &total), PARFOR_ERR_INVALID);
    EXPECT(parfor_mandelbrot(4, 4, 10, counts, 15, &total), PARFOR_ERR_INVALID);
    EXPECT(parfor_mandelbrot(4, 4, 10, NULL, 16, &total), PARFOR_ERR_NULL);
    EXPECT(parfor_mandelbrot(4, 4, 10, counts, 16, NULL), PARFOR_ERR_NULL);
    EXPECT(parfor_mandelbrot(4, 4, 10, counts, 16, &total), PARFOR_OK);

    /* What was wrong, per thread, naming the argument. */
    EXPECT(parfor_roots(xs, (float *)(void *)(xs + 1), 4), PARFOR_ERR_INVALID);
    EXPECT_TEXT(parfor_last_error(), "x and out overlap");
    EXPECT(parfor_pi(100, 1, &out), PARFOR_OK);
    EXPECT_TEXT(parfor_last_error(), "x and out overlap"); /* success leaves it */
    EXPECT(parfor_pi(100, 1, NULL), PARFOR_ERR_NULL);
    EXPECT_TEXT(parfor_last_error(), "out is null");
    EXPECT(parfor_pi(0, 1, &out), PARFOR_ERR_INVALID);
    EXPECT_TEXT(parfor_last_error(), "n must be at least 1");
    EXPECT(parfor_mandelbrot(4, 4, 10, counts, 15, &total), PARFOR_ERR_INVALID);
    EXPECT_TEXT(parfor_last_error(), "len (15) must equal width * height, or be 0 with counts null");

    /* Sizes that cannot be allocated: a status, and the library still works. */
    if (PARFOR_ERR_NOMEM != 5 || PARFOR_ERR_CANCELLED != 6) fprintf(stderr, "FAIL: status values\n"), failures++;
    double pi_before = 0, pi_after = 0;
    EXPECT(parfor_pi(1000000, 7, &pi_before), PARFOR_OK);
    EXPECT(parfor_wealth(1ULL << 40, 10, 1, &out), PARFOR_ERR_NOMEM); /* the median needs 8 TiB */
    if (!strstr(parfor_last_error(), "bytes")) fprintf(stderr, "FAIL: NOMEM text \"%s\"\n", parfor_last_error()), failures++;
    EXPECT(parfor_bootstrap(8, 1ULL << 53, 1, NULL, NULL, 0, &a, &b), PARFOR_ERR_NOMEM); /* 2^53 draws a task */

    /* Calls stopped by parfor_cancel() from another thread. */
    cancel_case cases[] = {{"parfor_pi(1e15)", huge_pi, 0, 0},
                           {"parfor_weather(2^53)", huge_weather, 0, 0},
                           {"parfor_bootstrap(2^53)", huge_bootstrap, 0, 0},
                           {"parfor_mandelbrot(2^32-1 x 2^32-1, total)", huge_mandelbrot, 0, 0},
                           {"parfor_parallel_for(0, INT64_MAX)", endless_loop, 0, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) expect_cancelled(&cases[k]);

    /* ... and from a signal handler (SIGALRM every 50 ms until the call returns). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cancel_on_signal;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval every = {{0, 50000}, {0, 50000}}, off = {{0, 0}, {0, 0}};
    __atomic_store_n(&alarm_cancels, 1, __ATOMIC_RELEASE);
    setitimer(ITIMER_REAL, &every, NULL);
    EXPECT(huge_pi(), PARFOR_ERR_CANCELLED);
    __atomic_store_n(&alarm_cancels, 0, __ATOMIC_RELEASE);
    setitimer(ITIMER_REAL, &off, NULL);

    /* A cancel with nothing running does not affect the next call; results are unchanged. */
    parfor_cancel();
    EXPECT(parfor_pi(1000000, 7, &pi_after), PARFOR_OK);
    if (pi_after != pi_before) fprintf(stderr, "FAIL: pi after cancels %.17g != %.17g\n", pi_after, pi_before), failures++;

    if (argc > 1) check_library_files(argv[1]);

    EXPECT(parfor_set_num_threads(3), PARFOR_OK);
    if (parfor_get_num_threads() != 3) fprintf(stderr, "FAIL: team size %d\n", parfor_get_num_threads()), failures++;

    printf("bad_input: %s (%d failures)\n", failures ? "WRONG" : "OK", failures);
    return failures ? 1 : 0;
}
