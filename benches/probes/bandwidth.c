/* Memory bandwidth probe for the roots kernel's closing note: the best of 10 runs of a plain copy
 * (16 bytes per element) and of roots' traffic without the sqrt (f64 -> f32, 12 bytes per element).
 *   gcc -O2 -fopenmp benches/probes/bandwidth.c -o /tmp/bandwidth && OMP_NUM_THREADS=2 /tmp/bandwidth */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    size_t n = 10000000;
    double *a = malloc(n * 8); float *b = malloc(n * 4); double *c = malloc(n * 8);
    memset(a, 1, n * 8); memset(b, 0, n * 4); memset(c, 0, n * 8);
    for (int rep = 0; rep < 3; rep++) {
        double best = 1e9, bestc = 1e9;
        for (int k = 0; k < 10; k++) {
            double t = omp_get_wtime();
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < n; i++) c[i] = a[i];
            t = omp_get_wtime() - t; if (t < bestc) bestc = t;
            t = omp_get_wtime();
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < n; i++) b[i] = (float)a[i];
            t = omp_get_wtime() - t; if (t < best) best = t;
        }
        printf("threads=%d copy f64->f64: %.1f GB/s (16 B/elem); convert f64->f32: %.1f GB/s (12 B/elem)\n", omp_get_max_threads(), n * 16 / bestc / 1e9, n * 12 / best / 1e9);
    }
    return 0;
}
