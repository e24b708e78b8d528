# parfor after fork(): call parfor in the parent (so its thread pool is running), then in forked
# children (parallel::mcparallel, one at a time, so that at most 2 threads ever work: CRAN's
# limit), and check that the children's results equal the parent's. The runtime gives a forked
# child a fresh pool; if that ever broke, the children would hang, so the whole scenario runs in a
# child Rscript under a time limit (`timeout`, or R's own elapsed-time limit when coreutils'
# timeout is missing) and this script checks its exit status and output.
limit <- 120

child <- tempfile("parfor-fork-", fileext = ".R")
writeLines(c(
    sprintf(".libPaths(%s)", paste(deparse(.libPaths()), collapse = "")),
    "library(parfor)",
    "library(parallel)",
    "parfor_set_threads(2)",
    "ref <- list(pi = parfor_pi(200000, 7), weather = parfor_weather(5000, 100, 7),",
    "            mandel = parfor_mandelbrot(40, 30, 100)$total)",
    "work <- function() list(pi = parfor_pi(200000, 7), weather = parfor_weather(5000, 100, 7),",
    "                        mandel = parfor_mandelbrot(40, 30, 100)$total,",
    "                        threads = parfor_threads(), pid = Sys.getpid())",
    "for (round in 1:4) {",
    "    r <- mccollect(mcparallel(work()))[[1]]",
    "    if (inherits(r, 'try-error') || is.null(r)) stop('a child failed: ', format(r))",
    "    stopifnot(identical(r[c('pi', 'weather', 'mandel')], ref), r$threads == 2L,",
    "              r$pid != Sys.getpid())",
    "    # the parent's pool is unaffected",
    "    stopifnot(identical(parfor_pi(200000, 7), ref$pi))",
    "}",
    "cat('FORK-OK 4 children, one at a time\\n')"
), child)

rscript <- file.path(R.home("bin"), "Rscript")
timeout <- Sys.which("timeout")
started <- Sys.time()
if (nzchar(timeout)) {
    out <- suppressWarnings(system2(timeout, c("-k", "10", limit, rscript, "--vanilla", child),
                                    stdout = TRUE, stderr = TRUE))
} else {
    setTimeLimit(elapsed = limit)
    out <- suppressWarnings(system2(rscript, c("--vanilla", child), stdout = TRUE, stderr = TRUE))
    setTimeLimit()
}
status <- attr(out, "status")
elapsed <- as.numeric(difftime(Sys.time(), started, units = "secs"))
cat(out, sep = "\n")
if (!is.null(status) && status == 124) stop(sprintf("fork test timed out after %d s: a hang", limit))
stopifnot(is.null(status) || status == 0, any(grepl("^FORK-OK", out)))
cat(sprintf("fork.R: parent and forked children agree (%.1f s); all checks passed\n", elapsed))
