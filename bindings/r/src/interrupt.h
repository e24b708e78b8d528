/*
 * Interruptible calls into parfor: the call runs on a helper thread while R's main thread waits
 * and polls for user interrupts (Ctrl-C, setTimeLimit); an interrupt cancels the running parfor
 * work with parfor_cancel() before R unwinds, so the session survives and the next call works.
 */
#ifndef PARFOR_R_INTERRUPT_H
#define PARFOR_R_INTERRUPT_H

/* A call into parfor's C ABI: gets its arguments and results through `args`, returns a status. */
typedef int (*pf_job)(void *args);

/*
 * Runs job(args) and returns its status. If R is interrupted meanwhile, the work is cancelled,
 * the helper thread joined, and R's interrupt (or time-limit error) continues: this function
 * does not return. `args` must stay valid until then (a local of the caller is fine). When no
 * helper thread can be created the job runs on the calling thread, not interruptible.
 *
 *     struct pi_args a = {n, seed, 0.0};
 *     int status = pf_run_interruptible(run_pi, &a);
 */
int pf_run_interruptible(pf_job job, void *args);

#endif
