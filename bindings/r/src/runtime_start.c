/* Starting parfor's runtime from R (see runtime_start.h). */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "parfor.h"
#include "runtime_start.h"
#include "signals.h"

/* The cap R CMD check asks for (CRAN: "at most 2 cores"). */
#define CHECK_CORES 2
#define WARNING_PREFIX "parfor: warning: "
/* At most this much start-up output is passed on. */
#define MAX_MESSAGES 65536

/* As parallel::detectCores and mclapply read it: set, and not "false" in any case. */
static int limit_cores_requested(void)
{
    const char *v = getenv("_R_CHECK_LIMIT_CORES_");
    return v != NULL && *v != '\0' && strcasecmp(v, "false") != 0;
}

/*
 * Starts the pool (parfor_get_num_threads does) with fd 2 on `capture`; returns what was written
 * there (at most MAX_MESSAGES bytes) in R_alloc memory, or NULL when fd 2 cannot be redirected.
 */
static char *start_pool_capturing_stderr(FILE *capture, size_t *len)
{
    int saved = dup(2); /* (C's stderr is unbuffered: nothing of R's is pending in it) */
    if (saved < 0)
        return NULL;
    if (dup2(fileno(capture), 2) < 0) {
        close(saved);
        return NULL;
    }
    parfor_get_num_threads();
    dup2(saved, 2);
    close(saved);
    /* The runtime wrote to the descriptor: the stream learns the size by seeking. */
    fseek(capture, 0, SEEK_END);
    long size = ftell(capture);
    rewind(capture);
    size_t want = size > 0 ? (size_t) size : 0;
    char *text = R_alloc((want > MAX_MESSAGES ? MAX_MESSAGES : want) + 1, 1);
    *len = fread(text, 1, want > MAX_MESSAGES ? MAX_MESSAGES : want, capture);
    text[*len] = '\0';
    return text;
}

/* Gives the captured start-up output to R, a line at a time. */
static void pass_on(char *text, size_t len)
{
    for (char *line = text; line < text + len && *line;) {
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        if (strncmp(line, WARNING_PREFIX, strlen(WARNING_PREFIX)) == 0)
            Rf_warning("parfor: %s", line + strlen(WARNING_PREFIX));
        else if (*line)
            REprintf("%s\n", line);
        if (end == NULL)
            break;
        line = end + 1;
    }
}

void pf_start_runtime(void)
{
    static int started = 0; /* R's main thread only; a forked child inherits it with the pool */
    if (started)
        return;
    started = 1;
    char *text = NULL;
    size_t len = 0;
    sigset_t old;
    pf_block_async_signals(&old); /* the pool's threads start now */
    FILE *capture = tmpfile();
    if (capture != NULL) {
        text = start_pool_capturing_stderr(capture, &len);
        fclose(capture);
    }
    parfor_get_num_threads(); /* starts the pool, if the capture could not be set up */
    if (limit_cores_requested() && parfor_get_num_threads() > CHECK_CORES)
        parfor_set_num_threads(CHECK_CORES);
    pf_restore_signals(&old);
    if (text != NULL)
        pass_on(text, len); /* last: a warning may be an error (options(warn = 2)) and jump */
}
