/*
 * .Call glue between R and the C ABI of parfor (include/parfor.h).
 *
 * Every argument is checked here before the ABI is called, so a bad value is an R error with a
 * message naming the function and the argument, never a crash; a non-OK status from the ABI is an
 * R error carrying parfor_status_message(). Outputs are allocated with allocVector / allocMatrix
 * (scratch buffers with R_alloc, freed by R when the .Call returns or errors); no R pointer is
 * kept after a call returns, and no R API is called while a parfor region runs.
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

#include "parfor.h"

/* 2^53: every whole number up to this is exact in a double. */
#define MAX_EXACT 9007199254740992.0
#define MAX_U32 4294967295.0

static void check_status(int rc, const char *fn)
{
    if (rc != PARFOR_OK)
        Rf_error("%s: %s (parfor status %d)", fn, parfor_status_message(rc), rc);
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

static SEXP named_list(int n, SEXP *values, const char **names)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++) {
        SET_VECTOR_ELT(out, i, values[i]);
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    }
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

/* ---- kernels ---- */

SEXP pf_pi(SEXP n, SEXP seed)
{
    const char *fn = "parfor_pi";
    uint64_t n_ = whole_number(n, fn, "n", 1.0, MAX_EXACT);
    uint64_t s = seed_arg(seed, fn);
    double out = 0.0;
    check_status(parfor_pi(n_, s, &out), fn);
    return Rf_ScalarReal(out);
}

SEXP pf_wealth(SEXP households, SEXP steps, SEXP seed)
{
    const char *fn = "parfor_wealth";
    uint64_t h = whole_number(households, fn, "households", 1.0, MAX_EXACT);
    uint32_t t = (uint32_t) whole_number(steps, fn, "steps", 0.0, MAX_U32);
    uint64_t s = seed_arg(seed, fn);
    double median = 0.0;
    check_status(parfor_wealth(h, t, s, &median), fn);
    return Rf_ScalarReal(median);
}

SEXP pf_weather(SEXP runs, SEXP steps, SEXP seed)
{
    const char *fn = "parfor_weather";
    uint64_t r = whole_number(runs, fn, "runs", 1.0, MAX_EXACT);
    uint32_t t = (uint32_t) whole_number(steps, fn, "steps", 0.0, MAX_U32);
    uint64_t s = seed_arg(seed, fn);
    double mean = 0.0, sd = 0.0;
    check_status(parfor_weather(r, t, s, &mean, &sd), fn);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, 2));
    REAL(out)[0] = mean;
    REAL(out)[1] = sd;
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, 2));
    SET_STRING_ELT(nm, 0, Rf_mkChar("mean"));
    SET_STRING_ELT(nm, 1, Rf_mkChar("std"));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

SEXP pf_roots_input(SEXP n, SEXP seed)
{
    const char *fn = "parfor_roots_input";
    double max = (double) R_XLEN_T_MAX < MAX_EXACT ? (double) R_XLEN_T_MAX : MAX_EXACT;
    R_xlen_t len = (R_xlen_t) whole_number(n, fn, "n", 0.0, max);
    uint64_t s = seed_arg(seed, fn);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, len));
    double *p = len > 0 ? REAL(out) : NULL;
    check_status(parfor_roots_input(s, p, (size_t) len), fn);
    UNPROTECT(1);
    return out;
}

SEXP pf_roots(SEXP x)
{
    const char *fn = "parfor_roots";
    R_xlen_t n = 0;
    const double *xp = double_vector(x, fn, "x", &n);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (n > 0) {
        float *tmp = (float *) R_alloc((size_t) n, sizeof(float));
        check_status(parfor_roots(xp, tmp, (size_t) n), fn);
        double *o = REAL(out);
        for (R_xlen_t i = 0; i < n; i++)
            o[i] = (double) tmp[i];
    }
    UNPROTECT(1);
    return out;
}

SEXP pf_roots_sum(SEXP x)
{
    const char *fn = "parfor_roots_sum";
    R_xlen_t n = 0;
    const double *xp = double_vector(x, fn, "x", &n);
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    if (n > 0)
        check_status(parfor_roots_sum(xp, REAL(out), (size_t) n), fn);
    UNPROTECT(1);
    return out;
}

SEXP pf_grid_max(SEXP n)
{
    const char *fn = "parfor_grid_max";
    uint64_t n_ = whole_number(n, fn, "n", 1.0, MAX_EXACT);
    double out = 0.0;
    check_status(parfor_grid_max(n_, &out), fn);
    return Rf_ScalarReal(out);
}

SEXP pf_bootstrap(SEXP tasks, SEXP draws, SEXP seed, SEXP summary_only)
{
    const char *fn = "parfor_bootstrap";
    uint64_t p = whole_number(tasks, fn, "tasks", 1.0, MAX_EXACT);
    uint64_t d = whole_number(draws, fn, "draws", 1.0, MAX_EXACT);
    uint64_t s = seed_arg(seed, fn);
    int only = flag(summary_only, fn, "summary_only");
    double mm = 0.0, ms = 0.0;
    if (only) {
        check_status(parfor_bootstrap(p, d, s, NULL, NULL, 0, &mm, &ms), fn);
        SEXP v[2] = {PROTECT(Rf_ScalarReal(mm)), PROTECT(Rf_ScalarReal(ms))};
        const char *names[2] = {"mean_of_means", "mean_of_stds"};
        SEXP out = named_list(2, v, names);
        UNPROTECT(2);
        return out;
    }
    if ((double) p > (double) R_XLEN_T_MAX)
        Rf_error("%s: 'tasks' = %.0f is too long for an R vector; use summary_only = TRUE", fn,
                 (double) p);
    SEXP means = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t) p));
    SEXP stds = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t) p));
    check_status(parfor_bootstrap(p, d, s, REAL(means), REAL(stds), (size_t) p, &mm, &ms), fn);
    SEXP v[4] = {means, stds, PROTECT(Rf_ScalarReal(mm)), PROTECT(Rf_ScalarReal(ms))};
    const char *names[4] = {"means", "stds", "mean_of_means", "mean_of_stds"};
    SEXP out = named_list(4, v, names);
    UNPROTECT(4);
    return out;
}

SEXP pf_mandelbrot(SEXP width, SEXP height, SEXP max_iter, SEXP want_counts)
{
    const char *fn = "parfor_mandelbrot";
    int counts = flag(want_counts, fn, "counts");
    /* Counts go into an R integer matrix: each side and each count must fit an int. */
    double side_max = counts ? (double) INT_MAX : MAX_U32;
    uint32_t w = (uint32_t) whole_number(width, fn, "width", 1.0, side_max);
    uint32_t h = (uint32_t) whole_number(height, fn, "height", 1.0, side_max);
    uint32_t it = (uint32_t) whole_number(max_iter, fn, "max_iter", 1.0, side_max);
    uint64_t total = 0;
    if (!counts) {
        check_status(parfor_mandelbrot(w, h, it, NULL, 0, &total), fn);
        SEXP v[1] = {PROTECT(Rf_ScalarReal((double) total))};
        const char *names[1] = {"total"};
        SEXP out = named_list(1, v, names);
        UNPROTECT(1);
        return out;
    }
    double pixels = (double) w * (double) h;
    if (pixels > (double) R_XLEN_T_MAX)
        Rf_error("%s: width * height = %.0f is too large for an R matrix; use counts = FALSE", fn,
                 pixels);
    size_t len = (size_t) w * (size_t) h;
    /* Rows of the image (imaginary axis) are rows of the matrix: m[py + 1, px + 1]. */
    SEXP m = PROTECT(Rf_allocMatrix(INTSXP, (int) h, (int) w));
    uint32_t *tmp = (uint32_t *) R_alloc(len, sizeof(uint32_t));
    check_status(parfor_mandelbrot(w, h, it, tmp, len, &total), fn);
    int *mp = INTEGER(m);
    for (size_t py = 0; py < h; py++)
        for (size_t px = 0; px < w; px++)
            mp[py + px * (size_t) h] = (int) tmp[py * (size_t) w + px];
    SEXP v[2] = {m, PROTECT(Rf_ScalarReal((double) total))};
    const char *names[2] = {"counts", "total"};
    SEXP out = named_list(2, v, names);
    UNPROTECT(2);
    return out;
}

/* ---- threads and version ---- */

SEXP pf_threads(void)
{
    return Rf_ScalarInteger((int) parfor_get_num_threads());
}

SEXP pf_set_threads(SEXP n)
{
    const char *fn = "parfor_set_threads";
    int32_t n_ = (int32_t) whole_number(n, fn, "n", 1.0, (double) INT_MAX);
    int32_t previous = parfor_get_num_threads();
    check_status(parfor_set_num_threads(n_), fn);
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
