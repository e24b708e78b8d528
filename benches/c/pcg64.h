/* PCG64 (XSL-RR 128/64) streams, uniforms and normals, bit for bit as the Rust kernels draw them:
 *
 * - the generator is rand_pcg 0.9's Lcg128Xsl64 (`Pcg64`): `new(state, stream)` sets the increment
 *   to 2*stream + 1, adds it to the state and steps once; `next_u64` steps, then outputs XSL-RR;
 * - the stream of block (or task) `id` for `seed` is parfor_kernels::rng::stream(seed, id):
 *   `Pcg64::new(initial_state(seed, id), id)`, the state being SplitMix64 finalisers chained over
 *   (seed, id);
 * - uniforms are rand 0.9's StandardUniform f64: (next_u64 >> 11) * 2^-53;
 * - normals are rand_distr 0.5's StandardNormal: the same ziggurat (Marsaglia and Tsang, with
 *   rand_distr's tables, 8 low bits for the layer, the 52 high bits for the value, Open01 draws
 *   for the tail), copied here line by line. exp and log are the C library's, which Rust's f64::exp
 *   and f64::ln call on this platform, so the bits agree (checked by benches/tests/c_matches.rs).
 */
#ifndef PARFOR_BENCH_PCG64_H
#define PARFOR_BENCH_PCG64_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "zig_tables.h"

typedef unsigned __int128 u128;

typedef struct {
    u128 state;
    u128 inc;
} pcg64;

#define PCG64_MULT ((((u128)0x2360ED051FC65DA4ULL) << 64) | (u128)0x4385DF649FCCF645ULL)

static inline void pcg64_step(pcg64 *r) { r->state = r->state * PCG64_MULT + r->inc; }

static inline uint64_t pcg64_next(pcg64 *r) {
    pcg64_step(r);
    unsigned rot = (unsigned)(r->state >> 122);
    uint64_t xsl = (uint64_t)(r->state >> 64) ^ (uint64_t)r->state;
    return (xsl >> rot) | (xsl << ((64u - rot) & 63u));
}

static inline uint64_t mix64(uint64_t x) {
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t x, unsigned k) { return (x << k) | (x >> ((64u - k) & 63u)); }

/* parfor_kernels::rng::stream(seed, id). */
static inline pcg64 pcg64_stream(uint64_t seed, uint64_t id) {
    uint64_t a = mix64(seed ^ 0x5EED0F9A4F0B10ULL);
    uint64_t hi = mix64(a ^ mix64(id));
    uint64_t lo = mix64(hi ^ 0x6A09E667F3BCC909ULL ^ rotl64(id, 32));
    pcg64 r;
    r.inc = (((u128)id) << 1) | 1u;
    r.state = ((((u128)hi) << 64) | (u128)lo) + r.inc;
    pcg64_step(&r);
    return r;
}

/* rand's StandardUniform f64: 53 high bits, [0, 1). */
static inline double pcg64_uniform(pcg64 *r) {
    return (double)(pcg64_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double bits_to_double(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* rand's Open01 f64: 52 high bits into [1, 2), minus (1 - eps/2): (0, 1). */
static inline double pcg64_open01(pcg64 *r) {
    uint64_t fraction = pcg64_next(r) >> 12;
    return bits_to_double(fraction | (1023ULL << 52)) - (1.0 - 2.220446049250313e-16 / 2.0);
}

static double normal_tail(pcg64 *r, double u) {
    double x = 1.0, y = 0.0;
    while (-2.0 * y < x * x) {
        double x_ = pcg64_open01(r);
        double y_ = pcg64_open01(r);
        x = log(x_) / ZIG_NORM_R;
        y = log(y_);
    }
    return u < 0.0 ? x - ZIG_NORM_R : ZIG_NORM_R - x;
}

/* rand_distr's StandardNormal (ziggurat, symmetric). */
static inline double pcg64_normal(pcg64 *r) {
    for (;;) {
        uint64_t bits = pcg64_next(r);
        unsigned i = (unsigned)(bits & 0xff);
        /* (bits >> 12) with exponent 1: a value in [2, 4); minus 3 gives [-1, 1). */
        double u = bits_to_double((bits >> 12) | (1024ULL << 52)) - 3.0;
        double x = u * ZIG_NORM_X[i];
        if (fabs(x) < ZIG_NORM_X[i + 1]) return x;
        if (i == 0) return normal_tail(r, u);
        if (ZIG_NORM_F[i + 1] + (ZIG_NORM_F[i] - ZIG_NORM_F[i + 1]) * pcg64_uniform(r) <
            exp(-x * x / 2.0))
            return x;
    }
}

#endif
