# Tests of the Parfor module (needs a Julia and target/release/libparfor.so, or PARFOR_LIB):
#     julia bindings/julia/test/runtests.jl
# Julia cannot be installed on the project's machines, so CI checks the module's ccalls against
# include/parfor.h with bindings/julia/check_ccalls.py instead; this file is for machines with Julia.
include(joinpath(@__DIR__, "..", "Parfor.jl"))
using .Parfor
using Test

@testset "Parfor" begin
    @testset "thread controls" begin
        Parfor.set_threads(2)
        @test Parfor.threads() == 2
        Parfor.set_threads(1)
        @test Parfor.threads() == 1
        @test_throws ArgumentError Parfor.set_threads(0)
        @test Parfor.thread_num() == 0
        @test !Parfor.in_parallel()
        @test !isempty(Parfor.version())
        Parfor.set_schedule(Parfor.PARFOR_GUIDED, 4)
        @test Parfor.get_schedule() == Parfor.ParforSchedule(Parfor.PARFOR_GUIDED, 4)
        @test_throws ParforError Parfor.set_schedule(Parfor.PARFOR_RUNTIME, 0)
    end

    @testset "kernels against shared/kernels.md" begin
        n = 1_000_000
        q = pi / 4
        @test abs(pi_mc(n; seed=1) - pi) < 5 * 4 * sqrt(q * (1 - q) / n)
        runs = 100_000
        m, s = weather(runs; steps=100, seed=3)
        sd = sqrt(25 / (1 - 1 / 4))
        @test abs(m - 72) < 5 * sd / sqrt(runs)
        @test abs(s - sd) < 5 * sd / sqrt(2 * runs)
        @test abs(wealth(20_000; steps=200, seed=7) - 1.835) < 0.05
        x = roots_input(10_001; seed=5)
        @test all(0 .<= x .< 500)
        @test roots(x) == Float32.(sqrt.(x))
        xs = x[1:300]
        @test all(roots_sum(xs) .== foldl((a, v) -> a + sqrt(v), xs; init=0.0))
        g = range(-3, 3; length=101)
        @test grid_max(101) ≈ maximum(cos(a^2 + b^2) / (1 + a^2 + b^2) for a in g, b in g)
        means, stds, (mm, ms) = bootstrap(500; draws=1000, seed=11)
        @test all(abs.(means) .< 6 / sqrt(1000))
        @test all(abs.(stds .- 1) .< 6 / sqrt(2000))
        @test mm ≈ sum(means) / 500
        counts, total = mandelbrot(60, 40; max_iter=200)
        @test size(counts) == (60, 40)
        @test total == sum(UInt64.(counts))
    end

    @testset "same bits for any thread count" begin
        r = Dict{Int,Any}()
        for t in (1, 2, 3)
            Parfor.set_threads(t)
            r[t] = (pi_mc(100_003; seed=9), weather(10_001; seed=9), bootstrap(100; draws=50, seed=9),
                    mandelbrot(50, 30; max_iter=100), roots(roots_input(5000; seed=9)))
        end
        @test r[1] == r[2] == r[3]
    end

    @testset "errors" begin
        @test_throws ArgumentError pi_mc(0)
        @test_throws ArgumentError pi_mc(10; seed=-1)
        @test_throws ArgumentError wealth(10; steps=-1)
        @test_throws ArgumentError mandelbrot(0, 10)
        @test_throws DimensionMismatch roots!(zeros(Float32, 2), zeros(3))
        @test Parfor.selftest_panic() == Parfor.PARFOR_ERR_PANIC
        @test Parfor.status_message(Parfor.PARFOR_ERR_INVALID) == "an argument is out of range"
        e = ParforError(Parfor.PARFOR_ERR_INVALID, :parfor_pi)
        @test occursin("out of range", sprint(showerror, e))
    end
end
