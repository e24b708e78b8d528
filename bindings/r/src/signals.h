/*
 * Threads that parfor starts (the helper thread of interrupt.c, the pool's workers) block the
 * asynchronous signals, so that R's handlers (SIGINT, SIGCHLD for parallel's children, SIGPROF for
 * Rprof, ...) run on R's own threads, where R expects them. A thread inherits the mask of the
 * thread that creates it: calls that may start threads run between these two.
 *
 *     sigset_t old;
 *     pf_block_async_signals(&old);
 *     parfor_set_num_threads(n);      // may start workers: they start with the signals blocked
 *     pf_restore_signals(&old);
 */
#ifndef PARFOR_R_SIGNALS_H
#define PARFOR_R_SIGNALS_H

#include <signal.h>

void pf_block_async_signals(sigset_t *old);
void pf_restore_signals(const sigset_t *old);

#endif
