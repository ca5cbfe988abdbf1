#!/usr/bin/env python3
"""Markdown tables from one run of `cargo bench -p lognum-benches --bench scalar`.

For every row: the fastest of criterion's samples (time per iteration =
sample time / iterations; on a shared machine the fastest sample is the one
least disturbed by other processes) and criterion's median estimate, both as
elements per second, each with its ratio to the f32 row of the same group.

Usage: python3 benches/criterion_table.py [CRITERION_DIR]
(default: $CARGO_TARGET_DIR/criterion, else target/criterion)
"""
import json
import os
import sys


def rate(eps):
    return f"{eps / 1e9:.2f} G" if eps >= 1e9 else f"{eps / 1e6:.0f} M"


def main():
    default = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    root = sys.argv[1] if len(sys.argv) > 1 else default
    for group in ["mul", "add", "dot"]:
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir):
            continue
        rows = []
        for bid in sorted(os.listdir(gdir)):
            d = os.path.join(gdir, bid, "new")
            if not os.path.exists(os.path.join(d, "sample.json")):
                continue
            est = json.load(open(os.path.join(d, "estimates.json")))
            bench = json.load(open(os.path.join(d, "benchmark.json")))
            sample = json.load(open(os.path.join(d, "sample.json")))
            n = bench["throughput"]["Elements"]
            fastest = min(t / i for t, i in zip(sample["times"], sample["iters"]))
            median = est["median"]["point_estimate"]
            rows.append((bench["function_id"], n / fastest * 1e9, n / median * 1e9))
        ref = {r[0]: r for r in rows}["f32"]
        order = ["f32", "f16", "bf16", "I8F8"]
        rows.sort(key=lambda r: (order.index(r[0]) if r[0] in order else len(order), r[0]))
        print(f"\n{group}:\n")
        print("| row | elements/s (fastest sample) | vs f32 | elements/s (median) | vs f32 |")
        print("|---|---:|---:|---:|---:|")
        for name, fast, med in rows:
            print(f"| {name} | {rate(fast)} | {fast / ref[1]:.3f} | {rate(med)} | {med / ref[2]:.3f} |")


if __name__ == "__main__":
    main()
