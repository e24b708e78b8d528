/*
 * pf_run_interruptible (see interrupt.h). R_CheckUserInterrupt longjmps when R is interrupted, so
 * the polling loop runs under R_UnwindProtect: its cleanup cancels the work and joins the helper
 * thread before the jump leaves this frame, which owns the job. The helper thread never calls R.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "interrupt.h"
#include "parfor.h"
#include "signals.h"

/* How often R's main thread checks for interrupts while a job runs. */
#define POLL_MS 20

struct running_job {
    pf_job job;
    void *args;
    int status;
    int done; /* guarded by mutex */
    pthread_mutex_t mutex;
    pthread_cond_t finished;
    pthread_t thread;
};

static void *job_thread(void *p)
{
    struct running_job *rj = p;
    int status = rj->job(rj->args);
    pthread_mutex_lock(&rj->mutex);
    rj->status = status;
    rj->done = 1;
    pthread_cond_signal(&rj->finished);
    pthread_mutex_unlock(&rj->mutex);
    return NULL;
}

/* Waits up to POLL_MS for the job to finish; returns whether it has. */
static int wait_a_little(struct running_job *rj)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += POLL_MS * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec += 1;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&rj->mutex);
    int rc = 0;
    while (!rj->done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&rj->finished, &rj->mutex, &until);
    int done = rj->done;
    pthread_mutex_unlock(&rj->mutex);
    return done;
}

static SEXP poll_until_done(void *p)
{
    while (!wait_a_little(p))
        R_CheckUserInterrupt();
    return R_NilValue;
}

/* Runs before R's jump continues (jump TRUE), or after the job finished (FALSE). */
static void stop_and_join(void *p, Rboolean jump)
{
    struct running_job *rj = p;
    /* Cancel until the job is done: a cancel lands only on loops running at that moment, and the
     * job may be between two loops or not yet in its first. */
    if (jump)
        do
            parfor_cancel();
        while (!wait_a_little(rj));
    pthread_join(rj->thread, NULL);
    pthread_cond_destroy(&rj->finished);
    pthread_mutex_destroy(&rj->mutex);
}

/* Starts the helper thread; returns 0, or nonzero (nothing left to clean up) if it cannot. */
static int start(struct running_job *rj)
{
    if (pthread_mutex_init(&rj->mutex, NULL) != 0)
        return 1;
    if (pthread_cond_init(&rj->finished, NULL) != 0) {
        pthread_mutex_destroy(&rj->mutex);
        return 1;
    }
    sigset_t old;
    pf_block_async_signals(&old); /* the helper thread and any pool threads it starts */
    int rc = pthread_create(&rj->thread, NULL, job_thread, rj);
    pf_restore_signals(&old);
    if (rc != 0) {
        pthread_cond_destroy(&rj->finished);
        pthread_mutex_destroy(&rj->mutex);
    }
    return rc;
}

int pf_run_interruptible(pf_job job, void *args)
{
    /* Allocated before the thread starts: an allocation error here must not leave it running. */
    SEXP cont = PROTECT(R_MakeUnwindCont());
    struct running_job rj = {.job = job, .args = args, .status = 0, .done = 0};
    if (start(&rj) != 0)
        rj.status = job(args);
    else
        R_UnwindProtect(poll_until_done, &rj, stop_and_join, &rj, cont);
    UNPROTECT(1);
    return rj.status;
}
