/* A shared library built with gcc -fopenmp, for a Python program to load through ctypes. */
#include <omp.h>

/* The sum of 0..n-1 by a parallel loop; *team gets the size of the team that ran it. */
long long omp_library_sum(long long n, int *team) {
    long long sum = 0;
    int size = 0;
#pragma omp parallel reduction(+ : sum)
    {
#pragma omp single
        size = omp_get_num_threads();
#pragma omp for schedule(dynamic, 64)
        for (long long i = 0; i < n; i++) sum += i;
    }
    *team = size;
    return sum;
}
