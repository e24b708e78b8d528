# Bad input and impossible sizes: every row must be an R error with a clear message (matched by a
# pattern), never a crash; afterwards the session and the pool still work.
library(parfor)

rows <- list(
    # function call                                             expected message pattern
    list(quote(parfor_pi(NA)),                                  "'n' is NA"),
    list(quote(parfor_pi(NA_real_)),                            "'n' is NA"),
    list(quote(parfor_pi(NaN)),                                 "'n' is NaN"),
    list(quote(parfor_pi(Inf)),                                 "'n' must be finite"),
    list(quote(parfor_pi(-1)),                                  "'n' must be between 1 and"),
    list(quote(parfor_pi(0)),                                   "'n' must be between 1 and"),
    list(quote(parfor_pi(2.5)),                                 "'n' must be a whole number"),
    list(quote(parfor_pi(2^54)),                                "'n' must be between"),
    list(quote(parfor_pi("100")),                               "'n' must be a single number, not character"),
    list(quote(parfor_pi(NULL)),                                "'n' must be a single number, not NULL"),
    list(quote(parfor_pi(TRUE)),                                "'n' must be a single number, not logical"),
    list(quote(parfor_pi(c(10, 20))),                           "not a vector of length 2"),
    list(quote(parfor_pi(numeric(0))),                          "not a vector of length 0"),
    list(quote(parfor_pi(factor(3))),                           "not a factor"),
    list(quote(parfor_pi(list(10))),                            "'n' must be a single number, not list"),
    list(quote(parfor_pi(NA_integer_)),                         "'n' is NA"),
    list(quote(parfor_pi(-5L)),                                 "'n' must be between 1 and"),
    list(quote(parfor_pi(100, seed = -1)),                      "'seed' must be between 0 and"),
    list(quote(parfor_pi(100, seed = 1.5)),                     "'seed' must be a whole number"),
    list(quote(parfor_pi(100, seed = NA)),                      "'seed' is NA"),
    list(quote(parfor_pi(100, seed = TRUE)),                    "'seed' must be a whole number in 0..2\\^53 or a string"),
    list(quote(parfor_pi(100, seed = NA_real_)),                "'seed' is NA"),
    list(quote(parfor_pi(100, seed = 2^53 + 2)),                "'seed' must be between 0 and"),
    list(quote(parfor_pi(100, seed = "-1")),                    "decimal digits"),
    list(quote(parfor_pi(100, seed = "0x10")),                  "decimal digits"),
    list(quote(parfor_pi(100, seed = "")),                      "decimal digits"),
    list(quote(parfor_pi(100, seed = "18446744073709551616")),  "larger than 18446744073709551615"),
    list(quote(parfor_pi(100, seed = NA_character_)),           "'seed' is NA"),
    list(quote(parfor_pi(100, seed = c("1", "2"))),             "vector of length 2"),
    list(quote(parfor_pi(100, seed = NULL)),                    "'seed' must be .* not NULL"),
    list(quote(parfor_wealth(-10)),                             "'households' must be between 1"),
    list(quote(parfor_wealth(10, steps = 2^32)),                "'steps' must be between 0 and 4294967295"),
    list(quote(parfor_wealth(10, steps = -1)),                  "'steps' must be between 0"),
    list(quote(parfor_weather(NA)),                             "'runs' is NA"),
    list(quote(parfor_weather(10, steps = NaN)),                "'steps' is NaN"),
    list(quote(parfor_roots_input(-1)),                         "'n' must be between 0"),
    list(quote(parfor_roots_input(1.5)),                        "'n' must be a whole number"),
    list(quote(parfor_roots(c(1, NA, 3))),                      "'x' contains NA at position 2"),
    list(quote(parfor_roots(c(1, 2, NaN))),                     "'x' contains NaN at position 3"),
    list(quote(parfor_roots(c(1L, NA))),                        "'x' contains NA at position 2"),
    list(quote(parfor_roots("a")),                              "'x' must be a numeric vector, not character"),
    list(quote(parfor_roots(NULL)),                             "'x' must be a numeric vector, not NULL"),
    list(quote(parfor_roots(list(1, 2))),                       "'x' must be a numeric vector, not list"),
    list(quote(parfor_roots(c(TRUE, FALSE))),                   "'x' must be a numeric vector, not logical"),
    list(quote(parfor_roots_sum(NA)),                           "'x' must be a numeric vector, not logical"),
    list(quote(parfor_roots_sum(c(NA_real_, 1))),               "'x' contains NA at position 1"),
    list(quote(parfor_roots_sum(1 + 2i)),                       "not complex"),
    list(quote(parfor_grid_max(0)),                             "'n' must be between 1"),
    list(quote(parfor_grid_max(NULL)),                          "not NULL"),
    list(quote(parfor_bootstrap(0)),                            "'tasks' must be between 1"),
    list(quote(parfor_bootstrap(10, draws = 0)),                "'draws' must be between 1"),
    list(quote(parfor_bootstrap(10, summary_only = NA)),        "'summary_only' must be TRUE or FALSE"),
    list(quote(parfor_bootstrap(10, summary_only = "yes")),     "'summary_only' must be TRUE or FALSE"),
    list(quote(parfor_bootstrap(2^60)),                         "'tasks' must be between 1"),
    list(quote(parfor_mandelbrot(0)),                           "'width' must be between 1"),
    list(quote(parfor_mandelbrot(10, -3)),                      "'height' must be between 1"),
    list(quote(parfor_mandelbrot(10, 10, max_iter = 0)),        "'max_iter' must be between 1"),
    list(quote(parfor_mandelbrot(10, 10, max_iter = 2^31)),     "'max_iter' must be between 1 and 2147483647"),
    list(quote(parfor_mandelbrot(10, 10, counts = c(TRUE, TRUE))), "'counts' must be TRUE or FALSE"),
    list(quote(parfor_mandelbrot(2^32, counts = FALSE)),        "'width' must be between 1 and 4294967295"),
    list(quote(parfor_set_threads(0)),                          "'n' must be between 1"),
    list(quote(parfor_set_threads(-2)),                         "'n' must be between 1"),
    list(quote(parfor_set_threads(NA)),                         "'n' is NA"),
    list(quote(parfor_set_threads(1.5)),                        "'n' must be a whole number"),
    list(quote(parfor_set_threads(2^31)),                       "'n' must be between 1 and 2147483647"),
    list(quote(parfor_set_threads()),                           "'n' is missing"),
    # Sizes no machine can allocate (beyond a 64-bit process's address space): R errors.
    list(quote(parfor_wealth(2^50, 10)),                        "parfor_wealth: cannot allocate"),
    list(quote(parfor_roots_input(2^52)),                       "cannot allocate vector"),
    list(quote(parfor_bootstrap(2^45, 10)),                     "cannot allocate vector"),
    list(quote(parfor_mandelbrot(2^26, 2^26)),                  "cannot allocate vector"),
    list(quote(parfor_mandelbrot(2^31 - 1, 2^31 - 1)),          "too large for an R matrix; use counts = FALSE")
)

failures <- 0
before <- parfor_threads()
for (row in rows) {
    call <- row[[1]]
    pattern <- row[[2]]
    msg <- tryCatch({ eval(call); NULL }, error = function(e) conditionMessage(e))
    label <- paste(deparse(call), collapse = "")
    if (is.null(msg)) {
        cat("FAIL ", label, ": no error\n")
        failures <- failures + 1
    } else if (!grepl(pattern, msg)) {
        cat("FAIL ", label, ": message \"", msg, "\" does not match \"", pattern, "\"\n", sep = "")
        failures <- failures + 1
    } else {
        cat("ok   ", label, " -> ", msg, "\n", sep = "")
    }
}
# A direct .Call with wrong arguments is refused too (the checks are in C, not only in R).
msg <- tryCatch(.Call(parfor:::pf_roots, 1:3), error = function(e) conditionMessage(e))
if (!grepl("'x' must be a numeric vector, not integer", msg)) {
    cat("FAIL direct .Call:", msg, "\n"); failures <- failures + 1
}
stopifnot(failures == 0)

# The session and the runtime are fine afterwards, with the team size unchanged.
stopifnot(parfor_threads() == before)
stopifnot(abs(parfor_pi(10000, 1) - pi) < 0.1)
cat("errors.R:", length(rows) + 1, "bad inputs, each an R error; all checks passed\n")
