/* Calls an entry point parfor does not implement (a doacross loop): must abort, naming it. */
#include <stdbool.h>
#include <stdio.h>
bool GOMP_loop_doacross_static_start(unsigned ncounts, long *counts, long chunk, long *istart,
                                     long *iend);
int main(void) {
    long counts[1] = {10}, lo, hi;
    fprintf(stderr, "calling GOMP_loop_doacross_static_start\n");
    GOMP_loop_doacross_static_start(1, counts, 0, &lo, &hi);
    puts("returned");
    return 0;
}
