/* Calls an entry point parfor does not implement (a task reduction): must abort, naming it. */
#include <stdint.h>
#include <stdio.h>
void GOMP_taskgroup_reduction_register(uintptr_t *data);
int main(void) {
    uintptr_t data[8] = {0};
    fprintf(stderr, "calling GOMP_taskgroup_reduction_register\n");
    GOMP_taskgroup_reduction_register(data);
    puts("returned");
    return 0;
}
