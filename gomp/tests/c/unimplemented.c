/* Calls an entry point parfor does not implement (offloaded teams): must abort, naming it. */
#include <stdio.h>
void GOMP_teams_reg(void (*fn)(void *), void *data, unsigned num_teams, unsigned thread_limit,
                    unsigned flags);
static void body(void *data) { (void)data; }
int main(void) {
    fprintf(stderr, "calling GOMP_teams_reg\n");
    GOMP_teams_reg(body, NULL, 1, 1, 0);
    puts("returned");
    return 0;
}
