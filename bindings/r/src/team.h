/* The default team size that CRAN's policy asks for under R CMD check. */
#ifndef PARFOR_R_TEAM_H
#define PARFOR_R_TEAM_H

/*
 * Before the first call that uses the pool: when _R_CHECK_LIMIT_CORES_ is set to anything but
 * "false" (as R CMD check --as-cran does, and as parallel::detectCores reads it), the team is
 * capped at 2 threads. Later calls of parfor_set_threads() are not capped. Call on R's main
 * thread.
 *
 *     pf_default_team();
 *     int status = pf_run_interruptible(pi_job, &args);
 */
void pf_default_team(void);

#endif
