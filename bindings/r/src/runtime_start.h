/*
 * Starting parfor's runtime from R: its start-up messages go to R, and under R CMD check the
 * default team is the 2 threads CRAN's policy allows.
 */
#ifndef PARFOR_R_RUNTIME_START_H
#define PARFOR_R_RUNTIME_START_H

/*
 * Call on R's main thread before every call that uses the pool; only the first does anything.
 *
 * The runtime reads OMP_* and PARFOR_* when its pool starts and writes its warnings about bad
 * values (and the OMP_DISPLAY_ENV report, when asked for) to stderr, which CRAN's policy forbids a
 * package to do. So the pool is started here with stderr (fd 2) pointed at a temporary file, and
 * what the runtime wrote is then given to R: each "parfor: warning: ..." line as an R warning,
 * anything else with REprintf. Then, when _R_CHECK_LIMIT_CORES_ is set to anything but "false"
 * (as R CMD check --as-cran does, and as parallel::detectCores reads it), the team is capped at 2
 * threads; later calls of parfor_set_threads() are not capped.
 *
 *     pf_start_runtime();
 *     int status = pf_run_interruptible(pi_job, &args);
 */
void pf_start_runtime(void);

#endif
