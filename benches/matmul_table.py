#!/usr/bin/env python3
"""Markdown tables from one run of `cargo bench -p lognum-benches --bench matmul`.

For every kernel, size and thread count: the fastest of criterion's samples
(time per iteration = sample time / iterations; on a shared machine the
fastest sample is the one least disturbed by other processes) and criterion's
median estimate, as multiply-accumulates per second (criterion's element
throughput, m·n·k per product); then the ratios the issue asks for.

Usage: python3 benches/matmul_table.py [CRITERION_DIR]
(default: $CARGO_TARGET_DIR/criterion, else target/criterion)
"""
import json
import os
import sys

SIZES = [64, 256, 512]
THREADS = ["1-thread", "all-threads"]


def rate(macs):
    return f"{macs / 1e9:.2f} G" if macs >= 1e9 else f"{macs / 1e6:.0f} M"


def load(root):
    """{(kernel, size, threads): (fastest MAC/s, median MAC/s)}"""
    out = {}
    for n in SIZES:
        gdir = os.path.join(root, f"matmul-{n}")
        if not os.path.isdir(gdir):
            continue
        for bid in sorted(os.listdir(gdir)):
            d = os.path.join(gdir, bid, "new")
            if not os.path.exists(os.path.join(d, "sample.json")):
                continue
            bench = json.load(open(os.path.join(d, "benchmark.json")))
            est = json.load(open(os.path.join(d, "estimates.json")))
            sample = json.load(open(os.path.join(d, "sample.json")))
            macs = bench["throughput"]["Elements"]
            fastest = min(t / i for t, i in zip(sample["times"], sample["iters"]))
            median = est["median"]["point_estimate"]
            kernel, threads = bench["function_id"].split("/")
            out[(kernel, n, threads)] = (macs / fastest * 1e9, macs / median * 1e9)
    return out


def main():
    default = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    res = load(sys.argv[1] if len(sys.argv) > 1 else default)
    kernels = []
    for k, _, _ in res:
        if k not in kernels:
            kernels.append(k)
    for which, label in [(0, "fastest sample"), (1, "median")]:
        print(f"Multiply-accumulates per second ({label}):\n")
        head = " | ".join(f"{n}, {t.split('-')[0]}" for n in SIZES for t in THREADS)
        print(f"| kernel | {head} |")
        print("|---|" + "---:|" * (len(SIZES) * len(THREADS)))
        for k in kernels:
            cells = [res.get((k, n, t), (None, None))[which] for n in SIZES for t in THREADS]
            print(f"| {k} | " + " | ".join("—" if c is None else rate(c) for c in cells) + " |")
        print()
    print("Ratios (fastest sample / median):\n")
    print("| size, threads | LUT ÷ f32 sgemm | shift ÷ f32 sgemm | LUT ÷ LUT generic loop | f32 sgemm ÷ f32 generic loop |")
    print("|---|---:|---:|---:|---:|")
    for n in SIZES:
        for t in THREADS:
            try:
                r = [
                    [res[(a, n, t)][w] / res[(b, n, t)][w] for w in (0, 1)]
                    for a, b in [
                        ("lns16-lut", "f32-sgemm"),
                        ("lns16-shift", "f32-sgemm"),
                        ("lns16-lut", "lns16-lut-generic"),
                        ("f32-sgemm", "f32-generic"),
                    ]
                ]
            except KeyError:
                continue
            pct = lambda x: f"{x[0] * 100:.1f} % / {x[1] * 100:.1f} %"
            times = lambda x: f"{x[0]:.0f} × / {x[1]:.0f} ×"
            print(f"| {n}, {t} | {pct(r[0])} | {pct(r[1])} | {times(r[2])} | {times(r[3])} |")


if __name__ == "__main__":
    main()
