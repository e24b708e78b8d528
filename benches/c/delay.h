#ifndef PARFOR_BENCH_DELAY_H
#define PARFOR_BENCH_DELAY_H
#include <stdint.h>
/* A busy loop of `reps` dependent additions that the optimiser cannot remove (EPCC's delay()). */
void bench_delay(uint32_t reps);
#endif
