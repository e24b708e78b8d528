/*
 * .Call glue between R and the C ABI of parfor (include/parfor.h).
 *
 * Every argument is checked here before the ABI is called, so a bad value is an R error with a
 * message naming the function and the argument, never a crash; a non-OK status from the ABI is an
 * R error carrying parfor's message. Outputs are allocated with allocVector / allocMatrix before
 * the call (scratch buffers with R_alloc, freed by R when the .Call returns or errors). Kernels
 * run through pf_run_interruptible (interrupt.c): on a helper thread, so that R's main thread can
 * stop them on an interrupt; that thread never calls R.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interrupt.h"
#include "parfor.h"
#include "runtime_start.h"
#include "signals.h"

/* 2^53: every whole number up to this is exact in a double. */
#define MAX_EXACT 9007199254740992.0
#define MAX_U32 4294967295.0

static void check_status(int rc, const char *fn)
{
    if (rc == PARFOR_OK)
        return;
    const char *detail = parfor_last_error();
    if (rc == PARFOR_ERR_NOMEM)
        Rf_error("%s: cannot allocate the memory this size needs%s%s", fn,
                 *detail ? ": " : "", detail);
    Rf_error("%s: %s%s%s (parfor status %d)", fn, parfor_status_message(rc), *detail ? ": " : "",
             detail, rc);
}

static const char *describe(SEXP x)
{
    return Rf_type2char(TYPEOF(x));
}

/* A single whole number in [lo, hi] (hi <= 2^53), given as a double or an integer. */
static uint64_t whole_number(SEXP x, const char *fn, const char *arg, double lo, double hi)
{
    double v;
    if (TYPEOF(x) == LGLSXP && XLENGTH(x) == 1 && LOGICAL(x)[0] == NA_LOGICAL)
        Rf_error("%s: '%s' is NA", fn, arg);
    if ((TYPEOF(x) != REALSXP && TYPEOF(x) != INTSXP) || Rf_isFactor(x))
        Rf_error("%s: '%s' must be a single number, not %s", fn, arg,
                 Rf_isFactor(x) ? "a factor" : describe(x));
    if (XLENGTH(x) != 1)
        Rf_error("%s: '%s' must be a single number, not a vector of length %lld", fn, arg,
                 (long long) XLENGTH(x));
    if (TYPEOF(x) == INTSXP) {
        int i = INTEGER(x)[0];
        if (i == NA_INTEGER)
            Rf_error("%s: '%s' is NA", fn, arg);
        v = (double) i;
    } else {
        v = REAL(x)[0];
        if (ISNA(v))
            Rf_error("%s: '%s' is NA", fn, arg);
        if (ISNAN(v))
            Rf_error("%s: '%s' is NaN", fn, arg);
        if (!R_FINITE(v))
            Rf_error("%s: '%s' must be finite, not %s", fn, arg, v > 0 ? "Inf" : "-Inf");
        if (v != floor(v))
            Rf_error("%s: '%s' must be a whole number, not %g", fn, arg, v);
    }
    if (v < lo || v > hi)
        Rf_error("%s: '%s' must be between %.0f and %.0f, not %.15g", fn, arg, lo, hi, v);
    return (uint64_t) v;
}

/*
 * A seed: a whole number in [0, 2^53] given as a double or an integer, or a string of decimal
 * digits for any 64-bit seed in [0, 2^64 - 1].
 */
static uint64_t seed_arg(SEXP x, const char *fn)
{
    if (TYPEOF(x) == STRSXP) {
        if (XLENGTH(x) != 1)
            Rf_error("%s: 'seed' must be a single number or string, not a vector of length %lld",
                     fn, (long long) XLENGTH(x));
        SEXP s = STRING_ELT(x, 0);
        if (s == NA_STRING)
            Rf_error("%s: 'seed' is NA", fn);
        const char *c = CHAR(s);
        size_t len = strlen(c);
        if (len == 0 || len > 20 || strspn(c, "0123456789") != len)
            Rf_error("%s: a string 'seed' must hold only the decimal digits of a number in "
                     "0..18446744073709551615, not \"%s\"", fn, len > 40 ? "(too long)" : c);
        errno = 0;
        char *end = NULL;
        unsigned long long v = strtoull(c, &end, 10);
        if (errno == ERANGE || end == NULL || *end != '\0')
            Rf_error("%s: 'seed' \"%s\" is larger than 18446744073709551615", fn, c);
        return (uint64_t) v;
    }
    if (TYPEOF(x) == LGLSXP && XLENGTH(x) == 1 && LOGICAL(x)[0] == NA_LOGICAL)
        Rf_error("%s: 'seed' is NA", fn);
    if (TYPEOF(x) != REALSXP && TYPEOF(x) != INTSXP)
        Rf_error("%s: 'seed' must be a whole number in 0..2^53 or a string of decimal digits, "
                 "not %s", fn, describe(x));
    return whole_number(x, fn, "seed", 0.0, MAX_EXACT);
}

/* A numeric (double) vector without NA or NaN; its elements and length. */
static const double *double_vector(SEXP x, const char *fn, const char *arg, R_xlen_t *n)
{
    if (TYPEOF(x) != REALSXP)
        Rf_error("%s: '%s' must be a numeric vector, not %s", fn, arg, describe(x));
    R_xlen_t len = XLENGTH(x);
    const double *p = len > 0 ? REAL(x) : NULL;
    for (R_xlen_t i = 0; i < len; i++)
        if (ISNAN(p[i]))
            Rf_error("%s: '%s' contains %s at position %lld", fn, arg,
                     ISNA(p[i]) ? "NA" : "NaN", (long long) i + 1);
    *n = len;
    return p;
}

static int flag(SEXP x, const char *fn, const char *arg)
{
    if (TYPEOF(x) != LGLSXP || XLENGTH(x) != 1 || LOGICAL(x)[0] == NA_LOGICAL)
        Rf_error("%s: '%s' must be TRUE or FALSE", fn, arg);
    return LOGICAL(x)[0];
}

/* Sets names(x) <- names (as many as x has elements) and returns x. */
static SEXP with_names(SEXP x, const char **names)
{
    PROTECT(x);
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, XLENGTH(x)));
    for (R_xlen_t i = 0; i < XLENGTH(x); i++)
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(x, R_NamesSymbol, nm);
    UNPROTECT(2);
    return x;
}

/* A named list of n values (protected by the caller). */
static SEXP named_list(int n, SEXP *values, const char **names)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
    for (int i = 0; i < n; i++)
        SET_VECTOR_ELT(out, i, values[i]);
    out = with_names(out, names);
    UNPROTECT(1);
    return out;
}

/* A named double vector. */
static SEXP named_doubles(int n, const double *values, const char **names)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    for (int i = 0; i < n; i++)
        REAL(out)[i] = values[i];
    out = with_names(out, names);
    UNPROTECT(1);
    return out;
}

/* ---- kernels: each runs as a job on a helper thread (interrupt.h) ---- */

struct pi_job { uint64_t n, seed; double out; };
static int pi_job(void *p)
{
    struct pi_job *a = p;
    return parfor_pi(a->n, a->seed, &a->out);
}

SEXP pf_pi(SEXP n, SEXP seed)
{
    const char *fn = "parfor_pi";
    struct pi_job a = {whole_number(n, fn, "n", 1.0, MAX_EXACT), seed_arg(seed, fn), 0.0};
    pf_start_runtime();
    check_status(pf_run_interruptible(pi_job, &a), fn);
    return Rf_ScalarReal(a.out);
}

struct wealth_job { uint64_t households; uint32_t steps; uint64_t seed; double median; };
static int wealth_job(void *p)
{
    struct wealth_job *a = p;
    return parfor_wealth(a->households, a->steps, a->seed, &a->median);
}

SEXP pf_wealth(SEXP households, SEXP steps, SEXP seed)
{
    const char *fn = "parfor_wealth";
    struct wealth_job a = {whole_number(households, fn, "households", 1.0, MAX_EXACT),
                           (uint32_t) whole_number(steps, fn, "steps", 0.0, MAX_U32),
                           seed_arg(seed, fn), 0.0};
    pf_start_runtime();
    check_status(pf_run_interruptible(wealth_job, &a), fn);
    return Rf_ScalarReal(a.median);
}

struct weather_job { uint64_t runs; uint32_t steps; uint64_t seed; double mean, std; };
static int weather_job(void *p)
{
    struct weather_job *a = p;
    return parfor_weather(a->runs, a->steps, a->seed, &a->mean, &a->std);
}

SEXP pf_weather(SEXP runs, SEXP steps, SEXP seed)
{
    const char *fn = "parfor_weather";
    struct weather_job a = {whole_number(runs, fn, "runs", 1.0, MAX_EXACT),
                            (uint32_t) whole_number(steps, fn, "steps", 0.0, MAX_U32),
                            seed_arg(seed, fn), 0.0, 0.0};
    pf_start_runtime();
    check_status(pf_run_interruptible(weather_job, &a), fn);
    double values[2] = {a.mean, a.std};
    const char *names[2] = {"mean", "std"};
    return named_doubles(2, values, names);
}

struct roots_input_job { uint64_t seed; double *x; size_t n; };
static int roots_input_job(void *p)
{
    struct roots_input_job *a = p;
    return parfor_roots_input(a->seed, a->x, a->n);
}

SEXP pf_roots_input(SEXP n, SEXP seed)
{
    const char *fn = "parfor_roots_input";
    double max = (double) R_XLEN_T_MAX < MAX_EXACT ? (double) R_XLEN_T_MAX : MAX_EXACT;
    R_xlen_t len = (R_xlen_t) whole_number(n, fn, "n", 0.0, max);
    uint64_t s = seed_arg(seed, fn);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, len));
    struct roots_input_job a = {s, len > 0 ? REAL(out) : NULL, (size_t) len};
    pf_start_runtime();
    check_status(pf_run_interruptible(roots_input_job, &a), fn);
    UNPROTECT(1);
    return out;
}

struct roots_job { const double *x; float *out; size_t n; };
static int roots_job(void *p)
{
    struct roots_job *a = p;
    return parfor_roots(a->x, a->out, a->n);
}

SEXP pf_roots(SEXP x)
{
    const char *fn = "parfor_roots";
    R_xlen_t n = 0;
    const double *xp = double_vector(x, fn, "x", &n);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (n > 0) {
        struct roots_job a = {xp, (float *) R_alloc((size_t) n, sizeof(float)), (size_t) n};
        pf_start_runtime();
        check_status(pf_run_interruptible(roots_job, &a), fn);
        double *o = REAL(out);
        for (R_xlen_t i = 0; i < n; i++)
            o[i] = (double) a.out[i];
    }
    UNPROTECT(1);
    return out;
}

struct roots_sum_job { const double *x; double *out; size_t n; };
static int roots_sum_job(void *p)
{
    struct roots_sum_job *a = p;
    return parfor_roots_sum(a->x, a->out, a->n);
}

SEXP pf_roots_sum(SEXP x)
{
    const char *fn = "parfor_roots_sum";
    R_xlen_t n = 0;
    const double *xp = double_vector(x, fn, "x", &n);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (n > 0) {
        struct roots_sum_job a = {xp, REAL(out), (size_t) n};
        pf_start_runtime();
        check_status(pf_run_interruptible(roots_sum_job, &a), fn);
    }
    UNPROTECT(1);
    return out;
}

struct grid_max_job { uint64_t n; double out; };
static int grid_max_job(void *p)
{
    struct grid_max_job *a = p;
    return parfor_grid_max(a->n, &a->out);
}

SEXP pf_grid_max(SEXP n)
{
    const char *fn = "parfor_grid_max";
    struct grid_max_job a = {whole_number(n, fn, "n", 1.0, MAX_EXACT), 0.0};
    pf_start_runtime();
    check_status(pf_run_interruptible(grid_max_job, &a), fn);
    return Rf_ScalarReal(a.out);
}

struct bootstrap_job {
    uint64_t tasks, draws, seed;
    double *means, *stds;
    size_t len;
    double mean_of_means, mean_of_stds;
};
static int bootstrap_job(void *p)
{
    struct bootstrap_job *a = p;
    return parfor_bootstrap(a->tasks, a->draws, a->seed, a->means, a->stds, a->len,
                            &a->mean_of_means, &a->mean_of_stds);
}

SEXP pf_bootstrap(SEXP tasks, SEXP draws, SEXP seed, SEXP summary_only)
{
    const char *fn = "parfor_bootstrap";
    struct bootstrap_job a = {whole_number(tasks, fn, "tasks", 1.0, MAX_EXACT),
                              whole_number(draws, fn, "draws", 1.0, MAX_EXACT),
                              seed_arg(seed, fn), NULL, NULL, 0, 0.0, 0.0};
    int only = flag(summary_only, fn, "summary_only");
    const char *summary_names[2] = {"mean_of_means", "mean_of_stds"};
    if (only) {
        pf_start_runtime();
        check_status(pf_run_interruptible(bootstrap_job, &a), fn);
        double values[2] = {a.mean_of_means, a.mean_of_stds};
        return named_doubles(2, values, summary_names);
    }
    if ((double) a.tasks > (double) R_XLEN_T_MAX)
        Rf_error("%s: 'tasks' = %.0f is too long for an R vector; use summary_only = TRUE", fn,
                 (double) a.tasks);
    SEXP means = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t) a.tasks));
    SEXP stds = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t) a.tasks));
    a.means = REAL(means);
    a.stds = REAL(stds);
    a.len = (size_t) a.tasks;
    pf_start_runtime();
    check_status(pf_run_interruptible(bootstrap_job, &a), fn);
    double values[2] = {a.mean_of_means, a.mean_of_stds};
    SEXP summary = PROTECT(named_doubles(2, values, summary_names));
    SEXP v[3] = {means, stds, summary};
    const char *names[3] = {"means", "stds", "summary"};
    SEXP out = named_list(3, v, names);
    UNPROTECT(3);
    return out;
}

struct mandelbrot_job { uint32_t width, height, max_iter; uint32_t *counts; size_t len; uint64_t total; };
static int mandelbrot_job(void *p)
{
    struct mandelbrot_job *a = p;
    return parfor_mandelbrot(a->width, a->height, a->max_iter, a->counts, a->len, &a->total);
}

/*
 * The counts as an integer matrix with `width` rows and `height` columns, m[px + 1, py + 1]: the
 * orientation image() draws (rows along x, the real axis). parfor writes row py of the image
 * after row py - 1, which is exactly this matrix's column-major layout; the counts are at most
 * max_iter <= INT_MAX, so they are written straight into the matrix. With want_counts FALSE, only
 * the total (a double, exact below 2^53).
 */
SEXP pf_mandelbrot(SEXP width, SEXP height, SEXP max_iter, SEXP want_counts)
{
    const char *fn = "parfor_mandelbrot";
    int counts = flag(want_counts, fn, "counts");
    double side_max = counts ? (double) INT_MAX : MAX_U32;
    struct mandelbrot_job a = {(uint32_t) whole_number(width, fn, "width", 1.0, side_max),
                               (uint32_t) whole_number(height, fn, "height", 1.0, side_max),
                               (uint32_t) whole_number(max_iter, fn, "max_iter", 1.0, side_max),
                               NULL, 0, 0};
    if (!counts) {
        pf_start_runtime();
        check_status(pf_run_interruptible(mandelbrot_job, &a), fn);
        return Rf_ScalarReal((double) a.total);
    }
    double pixels = (double) a.width * (double) a.height;
    if (pixels > (double) R_XLEN_T_MAX)
        Rf_error("%s: width * height = %.0f is too large for an R matrix; use counts = FALSE", fn,
                 pixels);
    SEXP m = PROTECT(Rf_allocMatrix(INTSXP, (int) a.width, (int) a.height));
    a.counts = (uint32_t *) INTEGER(m);
    a.len = (size_t) a.width * (size_t) a.height;
    pf_start_runtime();
    check_status(pf_run_interruptible(mandelbrot_job, &a), fn);
    SEXP v[2] = {m, PROTECT(Rf_ScalarReal((double) a.total))};
    const char *names[2] = {"z", "total"};
    SEXP out = named_list(2, v, names);
    UNPROTECT(2);
    return out;
}

/* ---- threads and version ---- */

SEXP pf_threads(void)
{
    pf_start_runtime();
    return Rf_ScalarInteger((int) parfor_get_num_threads());
}

SEXP pf_set_threads(SEXP n)
{
    const char *fn = "parfor_set_threads";
    int32_t n_ = (int32_t) whole_number(n, fn, "n", 1.0, (double) INT_MAX);
    pf_start_runtime();
    int32_t previous = parfor_get_num_threads();
    sigset_t old;
    pf_block_async_signals(&old); /* a larger team starts threads now */
    int status = parfor_set_num_threads(n_);
    pf_restore_signals(&old);
    check_status(status, fn);
    return Rf_ScalarInteger((int) previous);
}

SEXP pf_version(void)
{
    return Rf_mkString(parfor_version());
}

static const R_CallMethodDef call_methods[] = {
    {"pf_pi", (DL_FUNC) &pf_pi, 2},
    {"pf_wealth", (DL_FUNC) &pf_wealth, 3},
    {"pf_weather", (DL_FUNC) &pf_weather, 3},
    {"pf_roots_input", (DL_FUNC) &pf_roots_input, 2},
    {"pf_roots", (DL_FUNC) &pf_roots, 1},
    {"pf_roots_sum", (DL_FUNC) &pf_roots_sum, 1},
    {"pf_grid_max", (DL_FUNC) &pf_grid_max, 1},
    {"pf_bootstrap", (DL_FUNC) &pf_bootstrap, 4},
    {"pf_mandelbrot", (DL_FUNC) &pf_mandelbrot, 4},
    {"pf_threads", (DL_FUNC) &pf_threads, 0},
    {"pf_set_threads", (DL_FUNC) &pf_set_threads, 1},
    {"pf_version", (DL_FUNC) &pf_version, 0},
    {NULL, NULL, 0}};

void R_init_parfor(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
