"""A small run of every kernel, as bytes: equal bytes mean bit-identical results."""

import hashlib
import struct

import numpy as np

import parfor


def results():
    x = parfor.roots_input(50_001, seed=5)
    means, stds, summary = parfor.bootstrap(300, draws=200, seed=6)
    counts, total = parfor.mandelbrot(90, 70, max_iter=300)
    return {
        "pi": struct.pack("<d", parfor.pi(200_003, seed=1)),
        "wealth": struct.pack("<d", parfor.wealth(3_001, steps=50, seed=2)),
        "weather": struct.pack("<2d", *parfor.weather(20_001, steps=30, seed=3)),
        "roots_input": x.tobytes(),
        "roots": parfor.roots(x).tobytes(),
        "roots_sum": parfor.roots_sum(x[:500]).tobytes(),
        "grid_max": struct.pack("<d", parfor.grid_max(301)),
        "bootstrap": means.tobytes() + stds.tobytes() + struct.pack("<2d", *summary),
        "mandelbrot": counts.tobytes() + struct.pack("<Q", total),
    }


def digest():
    return {k: hashlib.sha256(v).hexdigest() for k, v in results().items()}


if __name__ == "__main__":
    import json

    print(json.dumps({"threads": parfor.threads(), "digest": digest()}))
