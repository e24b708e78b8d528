/* The body of the dynamic-schedule overhead test, out of line in its own object file so that C
 * and Rust callers run exactly the same instructions. */
#include "delay.h"

void bench_delay(uint32_t reps) {
    uint64_t a = 0;
    for (uint32_t i = 0; i < reps; i++) {
        a += i;
        __asm__ volatile("" : "+r"(a));
    }
}
