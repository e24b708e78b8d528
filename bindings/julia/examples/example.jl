# Run from the repository root after `cargo build --release -p parfor-capi`:
#     julia bindings/julia/examples/example.jl
# (OMP_NUM_THREADS=2 julia ... sets the team size the same way as for C and OpenMP.)
include(joinpath(@__DIR__, "..", "Parfor.jl"))
using .Parfor

println("libparfor ", Parfor.version(), ", ", Parfor.threads(), " threads")
Parfor.set_threads(2)
println("pi         ", pi_mc(10_000_000; seed=42))
println("wealth     ", wealth(50_000; steps=1000, seed=42))
println("weather    ", weather(1_000_000; steps=100, seed=42))
x = roots_input(1_000_000; seed=42)
y = roots(x)
println("roots      ", y[1:3], " (", eltype(y), ")")
println("roots_sum  ", roots_sum(x[1:2000])[1])
println("grid_max   ", grid_max(2000))
means, stds, (mm, ms) = bootstrap(10_000; draws=1000, seed=42)
println("bootstrap  ", (mm, ms))
counts, total = mandelbrot(800, 600; max_iter=1000)
println("mandelbrot ", size(counts), " total ", total)
try
    pi_mc(-1)
catch e
    println("bad input  ", sprint(showerror, e))
end
