"""
    Parfor

Julia bindings of parfor, an OpenMP-style parallel-loop runtime written in Rust: the seed-suite
kernels and the thread controls, called with `ccall` through parfor's C ABI (`include/parfor.h`).

The library is `ENV["PARFOR_LIB"]` when set, else `target/release/libparfor.so` of the workspace
this file lives in (build it with `cargo build --release -p parfor-capi`).

```julia
include("bindings/julia/Parfor.jl"); using .Parfor
Parfor.set_threads(2)
Parfor.pi_mc(10^6; seed=42)                 # Monte Carlo pi
x = Parfor.roots_input(10^6; seed=42)       # Vector{Float64}
y = Parfor.roots(x)                         # Vector{Float32}, x passed without a copy
```

Errors from the C side throw a [`ParforError`](@ref) holding the status code and the library's
message; bad arguments (negative sizes, out-of-range seeds) throw `ArgumentError` before C is
called. Stochastic kernels give bit-identical results for a seed whatever the thread count. The
team size follows `OMP_NUM_THREADS` (read when the pool starts) or [`set_threads`](@ref).

This module is checked against `include/parfor.h` by `bindings/julia/check_ccalls.py` (every
`ccall`: name, argument types, return type), not against a live Julia.
"""
module Parfor

export ParforError, pi_mc, wealth, weather, roots_input, roots, roots!, roots_sum, grid_max,
       bootstrap, mandelbrot, threads, set_threads, status_message, version

const libparfor = get(ENV, "PARFOR_LIB",
                      joinpath(@__DIR__, "..", "..", "target", "release",
                               Sys.isapple() ? "libparfor.dylib" : "libparfor.so"))

# Status codes and constants of include/parfor.h (checked by check_ccalls.py).
const PARFOR_OK = 0
const PARFOR_ERR_NULL = 1
const PARFOR_ERR_INVALID = 2
const PARFOR_ERR_PANIC = 3
const PARFOR_ERR_THREADS = 4
const PARFOR_SUM = 0
const PARFOR_PROD = 1
const PARFOR_MIN = 2
const PARFOR_MAX = 3
const PARFOR_STATIC = 0
const PARFOR_DYNAMIC = 1
const PARFOR_GUIDED = 2
const PARFOR_RUNTIME = 3
const PARFOR_AUTO = 4

"""
    ParforSchedule(kind, chunk)

`struct parfor_schedule`: `kind` is one of `PARFOR_STATIC` .. `PARFOR_AUTO`, `chunk >= 0`
(0: the default).
"""
struct ParforSchedule
    kind::Int32
    chunk::Int64
end

"""
    ParforError(status, func)

An error status returned by the C function `func`; `message` is `parfor_status_message(status)`.
"""
struct ParforError <: Exception
    status::Int
    func::Symbol
    message::String
end
ParforError(status::Integer, func::Symbol) = ParforError(Int(status), func, status_message(status))
Base.showerror(io::IO, e::ParforError) =
    print(io, "ParforError: ", e.func, ": ", e.message, " (status ", e.status, ")")

"""
    status_message(status) -> String

The C library's description of a status code (`parfor_status_message`).
"""
status_message(status::Integer) =
    unsafe_string(ccall((:parfor_status_message, libparfor), Cstring, (Int32,), Int32(status)))

check(status::Cint, func::Symbol) = status == PARFOR_OK ? nothing : throw(ParforError(status, func))

function size_arg(n::Integer, name; min=1, max=typemax(UInt64))
    (min <= n <= max) || throw(ArgumentError("$name must be in $min:$max, got $n"))
    return n
end
seed_arg(seed::Integer) = UInt64(size_arg(seed, "seed"; min=0))

"""
    version() -> String

The version of the loaded libparfor.
"""
version() = unsafe_string(ccall((:parfor_version, libparfor), Cstring, ()))

"""
    threads() -> Int

The team size of the next parallel region (as `omp_get_max_threads`).
"""
threads() = Int(ccall((:parfor_get_num_threads, libparfor), Int32, ()))

"""
    set_threads(n)

Sets the team size of later regions (as `omp_set_num_threads`); `n >= 1`, capped at
`OMP_THREAD_LIMIT`.
"""
function set_threads(n::Integer)
    size_arg(n, "n"; max=typemax(Int32))
    check(ccall((:parfor_set_num_threads, libparfor), Cint, (Int32,), Int32(n)), :parfor_set_num_threads)
end

"""
    set_schedule(kind, chunk=0)

Sets what `PARFOR_RUNTIME` stands for (as `omp_set_schedule`).
"""
set_schedule(kind::Integer, chunk::Integer=0) =
    check(ccall((:parfor_set_schedule, libparfor), Cint, (ParforSchedule,),
                ParforSchedule(kind, chunk)), :parfor_set_schedule)

"""
    get_schedule() -> ParforSchedule

What `PARFOR_RUNTIME` stands for now.
"""
function get_schedule()
    s = Ref(ParforSchedule(0, 0))
    check(ccall((:parfor_get_schedule, libparfor), Cint, (Ref{ParforSchedule},), s), :parfor_get_schedule)
    return s[]
end

"""
    pi_mc(n; seed=42) -> Float64

Monte Carlo estimate of pi from `n >= 1` points (named `pi_mc` so as not to shadow `Base.pi`).
"""
function pi_mc(n::Integer; seed::Integer=42)
    out = Ref{Cdouble}(0)
    check(ccall((:parfor_pi, libparfor), Cint, (UInt64, UInt64, Ref{Cdouble}),
                size_arg(n, "n"), seed_arg(seed), out), :parfor_pi)
    return out[]
end

"""
    wealth(households; steps=1000, seed=42) -> Float64

Median final wealth of `households` households simulated for `steps` steps.
"""
function wealth(households::Integer; steps::Integer=1000, seed::Integer=42)
    out = Ref{Cdouble}(0)
    check(ccall((:parfor_wealth, libparfor), Cint, (UInt64, UInt32, UInt64, Ref{Cdouble}),
                size_arg(households, "households"), UInt32(size_arg(steps, "steps"; min=0, max=typemax(UInt32))),
                seed_arg(seed), out), :parfor_wealth)
    return out[]
end

"""
    weather(runs; steps=100, seed=42) -> (mean, std)

Mean and standard deviation of the final temperatures of `runs` runs of `steps` steps.
"""
function weather(runs::Integer; steps::Integer=100, seed::Integer=42)
    mean, sd = Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(ccall((:parfor_weather, libparfor), Cint,
                (UInt64, UInt32, UInt64, Ref{Cdouble}, Ref{Cdouble}),
                size_arg(runs, "runs"), UInt32(size_arg(steps, "steps"; min=0, max=typemax(UInt32))),
                seed_arg(seed), mean, sd), :parfor_weather)
    return mean[], sd[]
end

"""
    roots_input(n; seed=42) -> Vector{Float64}

`roots`' input for `seed`: `n` values `500 * U[0, 1)`, filled by parfor in place.
"""
function roots_input(n::Integer; seed::Integer=42)
    x = Vector{Float64}(undef, size_arg(n, "n"; min=0))
    check(ccall((:parfor_roots_input, libparfor), Cint, (UInt64, Ptr{Cdouble}, Csize_t),
                seed_arg(seed), x, length(x)), :parfor_roots_input)
    return x
end

"""
    roots!(out::Vector{Float32}, x::Vector{Float64}) -> out

`out[i] = sqrt(x[i])` as `Float32`, in place; `x` is passed without a copy.
"""
function roots!(out::Vector{Float32}, x::Vector{Float64})
    length(out) == length(x) || throw(DimensionMismatch("out has length $(length(out)), x $(length(x))"))
    check(ccall((:parfor_roots, libparfor), Cint, (Ptr{Cdouble}, Ptr{Cfloat}, Csize_t),
                x, out, length(x)), :parfor_roots)
    return out
end

"""
    roots(x) -> Vector{Float32}

`sqrt.(x)` as `Float32`; a `Vector{Float64}` is passed without a copy, other vectors are
converted once.
"""
roots(x::AbstractVector{<:Real}) = (xv = convert(Vector{Float64}, x); roots!(Vector{Float32}(undef, length(xv)), xv))

"""
    roots_sum(x) -> Vector{Float64}

`out[i] = sum over j of sqrt(x[j])` for every `i` (deliberately O(n^2)).
"""
function roots_sum(x::AbstractVector{<:Real})
    xv = convert(Vector{Float64}, x)
    out = Vector{Float64}(undef, length(xv))
    check(ccall((:parfor_roots_sum, libparfor), Cint, (Ptr{Cdouble}, Ptr{Cdouble}, Csize_t),
                xv, out, length(xv)), :parfor_roots_sum)
    return out
end

"""
    grid_max(n) -> Float64

Maximum of `cos(x^2+y^2)/(1+x^2+y^2)` over an `n` x `n` grid of [-3, 3]^2.
"""
function grid_max(n::Integer)
    out = Ref{Cdouble}(0)
    check(ccall((:parfor_grid_max, libparfor), Cint, (UInt64, Ref{Cdouble}), size_arg(n, "n"), out),
          :parfor_grid_max)
    return out[]
end

"""
    bootstrap(tasks; draws=1000, seed=42) -> (means, stds, (mean_of_means, mean_of_stds))

`tasks` tasks, each drawing `draws` standard normals from its own stream; stds use divisor
`draws`.
"""
function bootstrap(tasks::Integer; draws::Integer=1000, seed::Integer=42)
    p = size_arg(tasks, "tasks")
    means, stds = Vector{Float64}(undef, p), Vector{Float64}(undef, p)
    mm, ms = Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(ccall((:parfor_bootstrap, libparfor), Cint,
                (UInt64, UInt64, UInt64, Ptr{Cdouble}, Ptr{Cdouble}, Csize_t, Ref{Cdouble}, Ref{Cdouble}),
                p, size_arg(draws, "draws"), seed_arg(seed), means, stds, p, mm, ms), :parfor_bootstrap)
    return means, stds, (mm[], ms[])
end

"""
    mandelbrot(width, height; max_iter=1000) -> (counts::Matrix{UInt32}, total::UInt64)

Escape counts over a `width` x `height` grid of [-2, 1] x [-1.5, 1.5]. The C library writes
row by row, so `counts` is `width` x `height` (column `y` is grid row `y`); use
`permutedims(counts)` for a `height` x `width` image.
"""
function mandelbrot(width::Integer, height::Integer; max_iter::Integer=1000)
    w = size_arg(width, "width"; max=typemax(UInt32))
    h = size_arg(height, "height"; max=typemax(UInt32))
    it = size_arg(max_iter, "max_iter"; max=typemax(UInt32))
    counts = Matrix{UInt32}(undef, w, h)
    total = Ref{UInt64}(0)
    check(ccall((:parfor_mandelbrot, libparfor), Cint,
                (UInt32, UInt32, UInt32, Ptr{UInt32}, Csize_t, Ref{UInt64}),
                w, h, it, counts, length(counts), total), :parfor_mandelbrot)
    return counts, total[]
end

"""
    parallel_for(begin_, end_, body::Ptr{Cvoid}, ctx::Ptr{Cvoid}=C_NULL; schedule=ParforSchedule(PARFOR_STATIC, 0))

Runs the C function `void body(int64_t b, int64_t e, void *ctx)` over sub-ranges of
`[begin_, end_)` on parfor's team. For C functions only (e.g. from `Libdl.dlsym`): parfor's
worker threads are not Julia threads, so a Julia function from `@cfunction` must not be passed.
"""
function parallel_for(begin_::Integer, end_::Integer, body::Ptr{Cvoid}, ctx::Ptr{Cvoid}=C_NULL;
                      schedule::ParforSchedule=ParforSchedule(PARFOR_STATIC, 0))
    check(ccall((:parfor_parallel_for, libparfor), Cint,
                (Int64, Int64, ParforSchedule, Ptr{Cvoid}, Ptr{Cvoid}),
                begin_, end_, schedule, body, ctx), :parfor_parallel_for)
end

"""
    parallel_reduce(begin_, end_, body::Ptr{Cvoid}, op=PARFOR_SUM, ctx=C_NULL; schedule=...) -> Float64

Reduces the partials of the C function `double body(int64_t b, int64_t e, void *ctx)` with `op`
(`PARFOR_SUM`, `PARFOR_PROD`, `PARFOR_MIN`, `PARFOR_MAX`). C functions only, as for
[`parallel_for`](@ref).
"""
function parallel_reduce(begin_::Integer, end_::Integer, body::Ptr{Cvoid}, op::Integer=PARFOR_SUM,
                         ctx::Ptr{Cvoid}=C_NULL; schedule::ParforSchedule=ParforSchedule(PARFOR_STATIC, 0))
    out = Ref{Cdouble}(0)
    check(ccall((:parfor_parallel_reduce_f64, libparfor), Cint,
                (Int64, Int64, ParforSchedule, Int32, Ptr{Cvoid}, Ptr{Cvoid}, Ref{Cdouble}),
                begin_, end_, schedule, op, body, ctx, out), :parfor_parallel_reduce_f64)
    return out[]
end

"""
    selftest_panic() -> Int

Runs `parfor_selftest_panic`: a contained panic inside a parallel region; returns its status,
`PARFOR_ERR_PANIC` (for tests of error handling).
"""
selftest_panic() = Int(ccall((:parfor_selftest_panic, libparfor), Cint, ()))

"""
    thread_num() -> Int

Inside a loop body: this thread's number in the team; outside: 0.
"""
thread_num() = Int(ccall((:parfor_get_thread_num, libparfor), Int32, ()))

"""
    in_parallel() -> Bool

`true` inside a loop body.
"""
in_parallel() = ccall((:parfor_in_parallel, libparfor), Int32, ()) != 0

end # module
