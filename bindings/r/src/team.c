/* The default team under R CMD check (see team.h); OMP_NUM_THREADS and OMP_THREAD_LIMIT are
 * parfor's own. */
#include <stdlib.h>
#include <strings.h>

#include "parfor.h"
#include "team.h"

/* The cap R CMD check asks for (CRAN: "at most 2 cores"). */
#define CHECK_CORES 2

/* As parallel::detectCores and mclapply read it: set, and not "false" in any case. */
static int limit_cores_requested(void)
{
    const char *v = getenv("_R_CHECK_LIMIT_CORES_");
    return v != NULL && *v != '\0' && strcasecmp(v, "false") != 0;
}

void pf_default_team(void)
{
    static int applied = 0; /* R's main thread only; a forked child inherits it with the team */
    if (applied)
        return;
    applied = 1;
    if (limit_cores_requested() && parfor_get_num_threads() > CHECK_CORES)
        parfor_set_num_threads(CHECK_CORES);
}
