/* kernels.c: a C program calling every seed-suite kernel through libparfor, at small sizes.
 *
 *   make kernels && LD_LIBRARY_PATH=../target/release ./kernels
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "parfor.h"

static int failures = 0;

static void expect(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

static int call(int rc, const char *name) {
    if (rc != PARFOR_OK) {
        fprintf(stderr, "FAIL: %s: %s\n", name, parfor_status_message(rc));
        failures++;
    }
    return rc == PARFOR_OK;
}

int main(void) {
    const uint64_t seed = 42;

    double pi = 0, pi_again = 0;
    uint64_t n = 1000000;
    if (call(parfor_pi(n, seed, &pi), "parfor_pi")) {
        double q = 3.14159265358979323846 / 4, se = 4 * sqrt(q * (1 - q) / (double)n);
        printf("pi(%llu) = %.6f (5 standard errors: %.6f)\n", (unsigned long long)n, pi, 5 * se);
        expect(fabs(pi - 3.14159265358979323846) < 5 * se, "pi within 5 standard errors");
        call(parfor_set_num_threads(1), "set 1 thread");
        call(parfor_pi(n, seed, &pi_again), "parfor_pi at 1 thread");
        call(parfor_set_num_threads(2), "set 2 threads");
        expect(pi == pi_again, "pi has the same bits at 1 and 2 threads");
    }

    size_t m = 100000;
    double *x = malloc(m * sizeof *x);
    float *r = malloc(m * sizeof *r);
    double *sums = malloc(1000 * sizeof *sums);
    if (!x || !r || !sums) return 1;
    if (call(parfor_roots_input(seed, x, m), "parfor_roots_input") && call(parfor_roots(x, r, m), "parfor_roots")) {
        int exact = 1;
        for (size_t i = 0; i < m; i++) exact &= r[i] == (float)sqrt(x[i]) && x[i] >= 0 && x[i] < 500;
        expect(exact, "roots equal sqrt(x) as float");
        printf("roots: x[0] = %.6f, root %.6f\n", x[0], r[0]);
    }
    if (call(parfor_roots_sum(x, sums, 1000), "parfor_roots_sum")) {
        double serial = 0;
        for (size_t j = 0; j < 1000; j++) serial += sqrt(x[j]);
        expect(sums[0] == serial && sums[999] == serial, "roots_sum equals the serial sum");
        printf("roots_sum(1000) = %.6f\n", sums[0]);
    }

    double median = 0;
    if (call(parfor_wealth(2000, 200, seed, &median), "parfor_wealth")) {
        printf("wealth median (2000 households, 200 steps) = %.4f\n", median);
        expect(median > 1.5 && median < 2.2, "wealth median is plausible");
    }

    double mean = 0, sd = 0;
    uint64_t runs = 100000;
    if (call(parfor_weather(runs, 100, seed, &mean, &sd), "parfor_weather")) {
        printf("weather: mean %.4f std %.4f\n", mean, sd);
        expect(fabs(mean - 72) < 5 * 5.7735 / sqrt((double)runs), "weather mean within 5 standard errors");
        expect(fabs(sd - 5.7735) < 5 * 5.7735 / sqrt(2.0 * (double)runs), "weather std within 5 standard errors");
    }

    double gmax = 0;
    if (call(parfor_grid_max(501, &gmax), "parfor_grid_max")) {
        printf("grid_max(501) = %.12f\n", gmax);
        expect(gmax == 1.0, "grid_max over a grid through 0 is 1");
    }

    enum { TASKS = 2000, DRAWS = 100 };
    double *means = malloc(TASKS * sizeof *means), *stds = malloc(TASKS * sizeof *stds);
    double mm = 0, ms = 0, mm2 = 0, ms2 = 0;
    if (means && stds && call(parfor_bootstrap(TASKS, DRAWS, seed, means, stds, TASKS, &mm, &ms), "parfor_bootstrap") &&
        call(parfor_bootstrap(TASKS, DRAWS, seed, NULL, NULL, 0, &mm2, &ms2), "parfor_bootstrap summary")) {
        printf("bootstrap: mean of means %.5f, mean of stds %.5f\n", mm, ms);
        expect(mm == mm2 && ms == ms2, "bootstrap summary alone equals the full run");
        expect(fabs(mm) < 5 / sqrt((double)DRAWS * TASKS), "bootstrap mean of means near 0");
        expect(fabs(ms - (1 - 0.75 / DRAWS)) < 5 / sqrt(2.0 * DRAWS * TASKS), "bootstrap mean of stds near 1 - 3/(4n)");
    }
    free(means);
    free(stds);

    uint32_t w = 200, h = 200;
    uint32_t *counts = malloc((size_t)w * h * sizeof *counts);
    uint64_t total = 0, total_only = 0, sum = 0;
    if (counts && call(parfor_mandelbrot(w, h, 1000, counts, (size_t)w * h, &total), "parfor_mandelbrot") &&
        call(parfor_mandelbrot(w, h, 1000, NULL, 0, &total_only), "parfor_mandelbrot total")) {
        for (size_t i = 0; i < (size_t)w * h; i++) sum += counts[i];
        printf("mandelbrot 200x200: total %llu\n", (unsigned long long)total);
        expect(sum == total && total == total_only, "mandelbrot counts add up to the total");
    }
    free(counts);
    free(x);
    free(r);
    free(sums);
    puts(failures ? "kernels: WRONG" : "kernels: OK");
    return failures ? 1 : 0;
}
