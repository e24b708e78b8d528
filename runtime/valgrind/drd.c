/* DRD's annotations for parfor's hand-made synchronisation (feature "valgrind"); see helgrind.c. */
#include <stddef.h>
#include <valgrind/drd.h>

void parfor_drd_happens_before(const void *tag) { ANNOTATE_HAPPENS_BEFORE(tag); }
void parfor_drd_happens_after(const void *tag) { ANNOTATE_HAPPENS_AFTER(tag); }
void parfor_drd_atomic(const void *addr, size_t len) { ANNOTATE_BENIGN_RACE_SIZED(addr, len, "atomic"); }
