/* Helgrind's annotations for parfor's hand-made synchronisation (feature "valgrind").
 * Helgrind cannot see happens-before edges made with atomics; these client requests tell it.
 * Outside valgrind each request is a few no-op instructions. */
#include <stddef.h>
#include <valgrind/helgrind.h>

void parfor_hg_happens_before(const void *tag) { ANNOTATE_HAPPENS_BEFORE(tag); }
void parfor_hg_happens_after(const void *tag) { ANNOTATE_HAPPENS_AFTER(tag); }
void parfor_hg_atomic(const void *addr, size_t len) { VALGRIND_HG_DISABLE_CHECKING(addr, len); }
