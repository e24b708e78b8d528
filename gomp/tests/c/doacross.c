/* Doacross loops: `ordered(n)` worksharing loops with `ordered depend(sink: ...)` and
 * `depend(source)`, in every form gcc emits calls for: every schedule (static, static with a
 * chunk, dynamic, guided, runtime: the test sets OMP_SCHEDULE), one dimension, two dimensions
 * collapsed into one and not collapsed, negative steps, unsigned long long, sinks outside the
 * iteration space (gcc leaves those waits out), nowait loops in flight at once, and nests of 7 and 20 dimensions (gcc then
 * passes 7 and 20 arguments to the C-variadic GOMP_doacross_wait: registers, then the stack).
 * The schedules' chunks and the team sizes (the test runs it at several) vary which thread waits
 * for which.
 *
 * Each loop computes a recurrence whose every value depends on the iterations its sinks name
 * (a wavefront), checked against the same recurrence run serially; each iteration also checks,
 * when it reads a value, that the iteration which wrote it had finished (a flag written after the
 * value): a dependence not honoured fails the test even when the value happens to be right.
 *
 * Last, the variadic ABI itself: GOMP_doacross_wait called directly with 1, 2, 6, 7, 8, 9 and 20
 * arguments (the boundaries of x86_64's six and aarch64's eight argument registers) on a vector
 * whose every value matters; the waiter must not return before the poster has posted it.
 *
 * Prints "doacross: OK (team of N)" on success. */
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c)                                                                 \
    do {                                                                         \
        if (!(c)) {                                                              \
            printf("FAILED line %d: %s\n", __LINE__, #c);                        \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

#define PRAGMA(x) _Pragma(#x)

/* The recurrence: any change to an input changes the result. */
static unsigned long mix(unsigned long a, unsigned long b, unsigned long c, long i) {
    unsigned long x = a * 0x9E3779B97F4A7C15ul + b * 31 + c * 7 + (unsigned long) i;
    return x ^ (x >> 29);
}

/* Values and finished-flags of the iterations of the loop under test, by flattened logical
 * iteration number; `broken` counts reads of an unfinished iteration. */
#define MAXN 4096
static unsigned long val[MAXN], want[MAXN];
static int done[MAXN];
static int broken;

static void reset(void) {
    memset(val, 0, sizeof val);
    memset(done, 0, sizeof done);
    broken = 0;
}

/* The value of finished iteration `p` (0 for none: p < 0), noting a dependence not honoured. */
static unsigned long input(long p) {
    if (p < 0) return 0;
    if (!__atomic_load_n(&done[p], __ATOMIC_ACQUIRE)) __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);
    return val[p];
}

static void finish(long f, unsigned long v) {
    val[f] = v;
    __atomic_store_n(&done[f], 1, __ATOMIC_RELEASE);
}

static void compare(const char *what, long n) {
    if (broken || memcmp(val, want, n * sizeof val[0]) != 0) {
        printf("FAILED: %s (%d reads of unfinished iterations)\n", what, broken);
        exit(1);
    }
}

/* ---- One dimension, up (step 1) and down (step -3). ---- */
#define N1 700

/* Iteration i of the 1-D recurrence, which reads iterations i - 1 and i - 3. */
#define CELL_1D(i) finish(i, mix(input(i - 1), i >= 3 ? input(i - 3) : 0, 0, i))

static void serial_1d(void) {
    for (long i = 0; i < N1; i++)
        want[i] = mix(i >= 1 ? want[i - 1] : 0, i >= 3 ? want[i - 3] : 0, 0, i);
}

/* i = 3 * N1 - 1, 3 * N1 - 4, ..., 2: logical iteration (3 * N1 - 1 - i) / 3. */
static void serial_1d_down(void) {
    for (long k = 0; k < N1; k++) want[k] = mix(k >= 1 ? want[k - 1] : 0, k >= 2 ? want[k - 2] : 0, 0, k);
}

#define ONE_D(name, sched)                                                           \
    static void name(void) {                                                         \
        reset();                                                                     \
        _Pragma("omp parallel")                                                      \
        {                                                                            \
            PRAGMA(omp for ordered(1) schedule sched nowait)                        \
            for (long i = 0; i < N1; i++) {                                          \
                /* i - 1 and i - 3 lie outside the space for the first iterations */ \
                PRAGMA(omp ordered depend(sink: i - 1) depend(sink: i - 3))          \
                CELL_1D(i);                                                          \
                PRAGMA(omp ordered depend(source))                                   \
            }                                                                        \
        }                                                                            \
        serial_1d();                                                                 \
        compare(#name, N1);                                                          \
        reset();                                                                     \
        _Pragma("omp parallel")                                                      \
        {                                                                            \
            PRAGMA(omp for ordered(1) schedule sched)                               \
            for (long i = 3 * N1 - 1; i > 0; i -= 3) {                               \
                long k = (3 * N1 - 1 - i) / 3;                                       \
                PRAGMA(omp ordered depend(sink: i + 3) depend(sink: i + 6))          \
                finish(k, mix(input(k - 1), k >= 2 ? input(k - 2) : 0, 0, k));       \
                PRAGMA(omp ordered depend(source))                                   \
            }                                                                        \
        }                                                                            \
        serial_1d_down();                                                            \
        compare(#name " (step -3)", N1);                                             \
    }

/* ---- Two dimensions: a wavefront over rows i (up) and columns j (down, step -1). ---- */
#define NI 40
#define NJ 50
#define AT(i, jj) ((i) * NJ + (jj)) /* jj: the logical column, NJ - 1 - j */

static void serial_2d(void) {
    for (long i = 0; i < NI; i++)
        for (long jj = 0; jj < NJ; jj++)
            want[AT(i, jj)] = mix(i ? want[AT(i - 1, jj)] : 0, jj ? want[AT(i, jj - 1)] : 0,
                                  i && jj + 1 < NJ ? want[AT(i - 1, jj + 1)] : 0, AT(i, jj));
}

/* Cell (i, jj) of the 2-D recurrence, which reads (i - 1, jj), (i, jj - 1), (i - 1, jj + 1). */
#define CELL_2D(i, jj)                                                                    \
    finish(AT(i, jj), mix(i ? input(AT(i - 1, jj)) : 0, jj ? input(AT(i, jj - 1)) : 0,    \
                          i && jj + 1 < NJ ? input(AT(i - 1, jj + 1)) : 0, AT(i, jj)))

/* The body of one (i, j) iteration; its sinks: (i - 1, j), (i, j + 1) and (i - 1, j - 1), where
 * j + 1 is the previous column (j counts down) and j - 1 the next: outside at the edges. */
#define WAVE_BODY                                                                      \
    {                                                                                  \
        long jj = NJ - 1 - j;                                                          \
        PRAGMA(omp ordered depend(sink: i - 1, j) depend(sink: i, j + 1)               \
                                depend(sink: i - 1, j - 1))                            \
        CELL_2D(i, jj);                                                                \
        PRAGMA(omp ordered depend(source))                                             \
    }

#define TWO_D(name, sched)                                                   \
    static void name(void) {                                                 \
        serial_2d();                                                         \
        reset();                                                             \
        _Pragma("omp parallel")                                              \
        {                                                                    \
            PRAGMA(omp for collapse(2) ordered(2) schedule sched)           \
            for (long i = 0; i < NI; i++)                                    \
                for (long j = NJ - 1; j >= 0; j--) WAVE_BODY                 \
        }                                                                    \
        compare(#name " (collapsed)", NI * NJ);                              \
        reset();                                                             \
        _Pragma("omp parallel")                                              \
        {                                                                    \
            PRAGMA(omp for ordered(2) schedule sched)                       \
            for (long i = 0; i < NI; i++)                                    \
                for (long j = NJ - 1; j >= 0; j--) WAVE_BODY                 \
        }                                                                    \
        compare(#name " (not collapsed)", NI * NJ);                          \
    }

/* ---- unsigned long long: bounds above 2^63 (not constant, so that gcc calls the _ull_ entry
 * points), rows and columns counting up. (gcc 12 turns the sinks of a decreasing unsigned inner
 * loop the wrong way round, into waits for later iterations, which hang on libgomp too.) ---- */
static volatile unsigned long long ull_base = 0xF000000000000000ull;

#define ULL(name, sched)                                                                  \
    static void name(void) {                                                              \
        unsigned long long b = ull_base;                                                  \
        reset();                                                                          \
        _Pragma("omp parallel")                                                           \
        {                                                                                 \
            PRAGMA(omp for ordered(1) schedule sched nowait)                              \
            for (unsigned long long u = b; u < b + N1; u++) {                             \
                long i = (long) (u - b);                                                  \
                PRAGMA(omp ordered depend(sink: u - 1) depend(sink: u - 3))               \
                CELL_1D(i);                                                               \
                PRAGMA(omp ordered depend(source))                                        \
            }                                                                             \
        }                                                                                 \
        serial_1d();                                                                      \
        compare(#name " (unsigned long long)", N1);                                       \
        serial_2d();                                                                      \
        reset();                                                                          \
        _Pragma("omp parallel")                                                           \
        {                                                                                 \
            PRAGMA(omp for ordered(2) schedule sched)                                     \
            for (unsigned long long u = b; u < b + NI; u++)                               \
                for (unsigned long long v = b; v < b + NJ; v++) {                         \
                    long i = (long) (u - b), jj = (long) (v - b);                         \
                    PRAGMA(omp ordered depend(sink: u - 1, v) depend(sink: u, v - 1)      \
                                            depend(sink: u - 1, v + 1))                   \
                    CELL_2D(i, jj);                                                       \
                    PRAGMA(omp ordered depend(source))                                    \
                }                                                                         \
        }                                                                                 \
        compare(#name " (unsigned long long, 2 dimensions)", NI * NJ);                    \
    }

/* Every schedule: static blocks, static chunks, dynamic, guided, and the run-time one (a
 * schedule clause's parenthesised arguments, `sched`, are passed whole through the macros). */
#define EVERY_SCHEDULE(X)                                                              \
    X(static, (static)) X(static3, (static, 3)) X(dynamic1, (dynamic, 1))              \
    X(dynamic7, (dynamic, 7)) X(guided, (guided)) X(guided2, (guided, 2))              \
    X(runtime, (runtime))

#define DEFINE(suffix, sched) ONE_D(one_d_##suffix, sched) TWO_D(two_d_##suffix, sched) \
    ULL(ull_##suffix, sched)
EVERY_SCHEDULE(DEFINE)

/* ---- Three nowait doacross loops in flight at once in one region (prefix sums). ---- */
static long chain_val[3][N1];
static int chain_done[3][N1];

#define CHAIN_STEP(x)                                                                      \
    {                                                                                      \
        _Pragma("omp ordered depend(sink: i - 1)")                                         \
        if (i && !__atomic_load_n(&chain_done[x][i - 1], __ATOMIC_ACQUIRE))                \
            __atomic_fetch_add(&broken, 1, __ATOMIC_RELAXED);                              \
        chain_val[x][i] = (i ? chain_val[x][i - 1] : 0) + i;                               \
        __atomic_store_n(&chain_done[x][i], 1, __ATOMIC_RELEASE);                          \
        _Pragma("omp ordered depend(source)")                                              \
    }

static void chain(void) {
    memset(chain_done, 0, sizeof chain_done);
    broken = 0;
#pragma omp parallel
    {
#pragma omp for ordered(1) schedule(static, 1) nowait
        for (long i = 0; i < N1; i++) CHAIN_STEP(0)
#pragma omp for ordered(1) schedule(dynamic, 1) nowait
        for (long i = 0; i < N1; i++) CHAIN_STEP(1)
#pragma omp for ordered(1) schedule(guided) nowait
        for (long i = 0; i < N1; i++) CHAIN_STEP(2)
    }
    for (int x = 0; x < 3; x++)
        for (long i = 0; i < N1; i++) CHECK(chain_val[x][i] == i * (i + 1) / 2);
    CHECK(broken == 0);
}

/* ---- Nests of 7 and 20 dimensions: i, middle loops of 1 or 2 iterations, k. ---- */
#define NO 24 /* outer iterations */
#define NK 5  /* innermost */
#define L(v, n) for (long v = 0; v < n; v++)

/* The reference over counts c[0..d): predecessor (i - 1, same middle, k + 1) and (.., k - 1). */
static void serial_nest(int d, const long *c) {
    long inner = 1;
    for (int x = 1; x < d; x++) inner *= c[x];
    for (long f = 0; f < c[0] * inner; f++) {
        long i = f / inner, k = f % NK;
        long up = i >= 1 && k + 1 < NK ? f - inner + 1 : -1;
        want[f] = mix(up >= 0 ? want[up] : 0, k ? want[f - 1] : 0, 0, f);
    }
}

/* The body at flattened iteration f of a nest with `inner` iterations per outer one. */
#define NEST_BODY(inner)                                                    \
    long up = i >= 1 && k + 1 < NK ? f - (inner) + 1 : -1;                  \
    finish(f, mix(up >= 0 ? input(up) : 0, k ? input(f - 1) : 0, 0, f));

static void seven_dims(void) {
    static const long c[7] = {NO, 2, 1, 1, 2, 2, NK}; /* inner: 8 * NK */
    serial_nest(7, c);
    reset();
#pragma omp parallel
    {
#pragma omp for ordered(7) schedule(runtime)
        for (long i = 0; i < NO; i++)
            L(a, 2) L(b, 1) L(c1, 1) L(d, 2) L(e, 2) for (long k = 0; k < NK; k++) {
#pragma omp ordered depend(sink: i - 1, a, b, c1, d, e, k + 1) depend(sink: i, a, b, c1, d, e, k - 1)
                long f = ((((i * 2 + a) * 1 + b) * 1 + c1) * 2 + d) * 2 + e;
                f = f * NK + k;
                NEST_BODY(8 * NK)
#pragma omp ordered depend(source)
            }
    }
    compare("seven_dims", NO * 8 * NK);
}

static void twenty_dims(void) {
    /* i, m1..m18, k: m4..m7 of 2 iterations (arguments 5 to 8: x86_64's last register and
     * first stack slots, aarch64's last two registers), the rest of 1. */
    static const long c[20] = {NO, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, NK};
    serial_nest(20, c);
    reset();
#pragma omp parallel
    {
#pragma omp for ordered(20) schedule(static, 1)
        for (long i = 0; i < NO; i++)
            L(m1, 1) L(m2, 1) L(m3, 1) L(m4, 2) L(m5, 2) L(m6, 2) L(m7, 2) L(m8, 1) L(m9, 1)
            L(m10, 1) L(m11, 1) L(m12, 1) L(m13, 1) L(m14, 1) L(m15, 1) L(m16, 1) L(m17, 1)
            L(m18, 1) for (long k = 0; k < NK; k++) {
#pragma omp ordered depend(sink: i - 1, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, k + 1) \
                    depend(sink: i, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, k - 1)
                long f = ((((i * 2 + m4) * 2 + m5) * 2 + m6) * 2 + m7) * NK + k;
                f += m1 + m2 + m3 + m8 + m9 + m10 + m11 + m12 + m13 + m14 + m15 + m16 + m17 + m18;
                NEST_BODY(16 * NK)
#pragma omp ordered depend(source)
            }
    }
    compare("twenty_dims", NO * 16 * NK);
}

/* ---- The variadic ABI, called directly. ---- */
extern bool GOMP_loop_doacross_static_start(unsigned, long *, long, long *, long *);
extern bool GOMP_loop_static_next(long *, long *);
extern void GOMP_loop_end(void);
extern void GOMP_doacross_post(long *);
extern void GOMP_doacross_wait(long, ...);

#define V1 v[0]
#define V2 V1, v[1]
#define V6 V2, v[2], v[3], v[4], v[5]
#define V7 V6, v[6]
#define V8 V7, v[7]
#define V9 V8, v[8]
#define V20 V9, v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19]

static void wait_args(int d, const long *v) {
    switch (d) {
    case 1: GOMP_doacross_wait(V1); break;
    case 2: GOMP_doacross_wait(V2); break;
    case 6: GOMP_doacross_wait(V6); break;
    case 7: GOMP_doacross_wait(V7); break;
    case 8: GOMP_doacross_wait(V8); break;
    case 9: GOMP_doacross_wait(V9); break;
    case 20: GOMP_doacross_wait(V20); break;
    default: CHECK(0);
    }
}

/* A nest of d dimensions: 2 outer iterations; inner dimensions of 2 iterations at arguments 2
 * and 5 to 9 (around the register/stack boundaries), the last of 3, the rest of 1. Each
 * inner iteration of outer 0 records its flattened number before posting; the thread with
 * outer 1 waits for the last inner iteration of outer 0, a vector whose every value is its
 * dimension's largest (a value read from the wrong place makes it an earlier iteration or one
 * outside the space, and the wait returns too early), then checks the record. */
static void direct_wait(int d) {
    long c[20], inner = 1;
    for (int x = 0; x < d; x++) {
        c[x] = x == 0 ? 2 : x == d - 1 ? 3 : (x == 1 || (x >= 4 && x <= 8)) ? 2 : 1;
        if (x > 0) inner *= c[x];
    }
    int posted = -1, early = 0;
#pragma omp parallel num_threads(2) shared(posted, early)
    {
        long lo, hi, v[20];
        /* Every thread of the team takes the same branch. */
        if (omp_get_num_threads() == 2) {
            if (GOMP_loop_doacross_static_start(d, c, 1, &lo, &hi)) do {
                for (long i = lo; i < hi; i++) {
                    if (i == 1) {
                        for (int x = 0; x < d; x++) v[x] = x == 0 ? 0 : c[x] - 1;
                        wait_args(d, v);
                        if (__atomic_load_n(&posted, __ATOMIC_ACQUIRE) != inner - 1) early = 1;
                    } else {
                        usleep(20000); /* the waiter is waiting by now (mostly) */
                    }
                    for (long f = 0; f < inner; f++) {
                        long rest = f;
                        for (int x = d - 1; x > 0; x--) {
                            v[x] = rest % c[x];
                            rest /= c[x];
                        }
                        v[0] = i;
                        if (i == 0) {
                            if (f == inner - 1) usleep(2000);
                            __atomic_store_n(&posted, (int) f, __ATOMIC_RELEASE);
                        }
                        GOMP_doacross_post(v);
                    }
                }
            } while (GOMP_loop_static_next(&lo, &hi));
            GOMP_loop_end();
        }
    }
    if (early) {
        printf("FAILED: GOMP_doacross_wait with %d arguments returned before the post\n", d);
        exit(1);
    }
}

int main(void) {
    int team = omp_get_max_threads();
    for (int round = 0; round < 3; round++) {
#define RUN(suffix, sched) one_d_##suffix(); two_d_##suffix(); ull_##suffix();
        EVERY_SCHEDULE(RUN)
        chain();
        seven_dims();
        twenty_dims();
    }
    static const int dims[] = {1, 2, 6, 7, 8, 9, 20};
    for (unsigned x = 0; x < sizeof dims / sizeof dims[0]; x++) direct_wait(dims[x]);
    printf("doacross: OK (team of %d)\n", team);
    return 0;
}
