#!/usr/bin/python3
"""Saturation throughput of the meshforge mesh router RTL (src/rtl/verilog/mf_router*.v + mf_ni.v).

Builds tests/rtl/router/tb_noc.v (MODE 2, bench) with Verilator --binary once per routing
algorithm, then sweeps the offered load (flits/node/cycle, Bernoulli packet injection into
per-source queues) for uniform-random and transpose traffic and records the accepted load
(flits ejected/node/cycle over the measurement window) and the mean packet latency.
Writes results.md next to this script (table + the command line).

usage: bench/noc/noc_saturation.py [--mesh 8] [--vcs 2] [--depth 4] [--words 4]
                                   [--build-dir /tmp/mf_noc_bench] [--routings 0,1,2]
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RTL = os.path.join(ROOT, "src", "rtl", "verilog")
TB = os.path.join(ROOT, "tests", "rtl", "router")
ROUTING_NAMES = {0: "XY", 1: "YX", 2: "west-first"}
PATTERN_NAMES = {0: "uniform random", 1: "transpose"}
LOADS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]


def build(args, routing):
    out = os.path.join(args.build_dir, "n%d_v%d_d%d_w%d_r%d" % (args.mesh, args.vcs, args.depth, args.words, routing))
    binary = os.path.join(out, "tbv")
    if os.path.exists(binary):
        return binary
    srcs = [os.path.join(TB, "tb_noc.v"), os.path.join(TB, "tb_mesh.v")]
    srcs += sorted(os.path.join(RTL, f) for f in os.listdir(RTL)
                   if f.startswith("mf_router") or f in ("mf_rr_arbiter.v", "mf_ni.v"))
    cmd = ["verilator", "--binary", "--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style",
           "--top-module", "tb_noc", "-GNX=%d" % args.mesh, "-GNY=%d" % args.mesh, "-GMODE=2",
           "-GROUTING=%d" % routing, "-GVCS=%d" % args.vcs, "-GDEPTH=%d" % args.depth,
           "-GMAXLEN=%d" % args.words, "-GMAX_CYCLES=100000000", "--Mdir", out, "-o", "tbv",
           "--build-jobs", "1", "-CFLAGS", "-O1"] + srcs
    print("building", out, file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return binary


def run(binary, pattern, load, args):
    rate = int(round(load * 1000))
    out = subprocess.run([binary, "+rate=%d" % rate, "+pattern=%d" % pattern,
                          "+warmup=%d" % args.warmup, "+measure=%d" % args.measure],
                         check=True, capture_output=True, text=True).stdout
    if "FAIL" in out or "ERROR" in out:
        raise RuntimeError("simulation failed:\n" + out)
    m = re.search(r"offered=([\d.]+) accepted=([\d.]+) latency=([\d.]+)", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mesh", type=int, default=8)
    ap.add_argument("--vcs", type=int, default=2)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--words", type=int, default=4, help="body words per packet (packet = words + 1 flits)")
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--measure", type=int, default=4000)
    ap.add_argument("--routings", default="0,1,2")
    ap.add_argument("--build-dir", default="/tmp/mf_noc_bench")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = ap.parse_args()
    routings = [int(r) for r in args.routings.split(",")]
    rows = {}
    t0 = time.time()
    for r in routings:
        binary = build(args, r)
        for p in PATTERN_NAMES:
            rows[(r, p)] = [run(binary, p, load, args) for load in LOADS]
            sat = max(a for _, a, _ in rows[(r, p)])
            print("%-10s %-14s saturation %.3f flits/node/cycle" % (ROUTING_NAMES[r], PATTERN_NAMES[p], sat),
                  file=sys.stderr)
    with open(args.out + ".table", "w") as f:
        f.write("Command: `bench/noc/noc_saturation.py --mesh %d --vcs %d --depth %d --words %d "
                "--warmup %d --measure %d`  \n" % (args.mesh, args.vcs, args.depth, args.words,
                                                   args.warmup, args.measure))
        f.write("%dx%d mesh, LINK_BITS 64, VCS %d, DEPTH %d, packets of %d words = %d flits (head + body), "
                "random VC per packet, Verilator 5.006; %d warm-up + %d measured cycles per point; "
                "%.0f s wall.\n\n" % (args.mesh, args.mesh, args.vcs, args.depth, args.words,
                                      args.words + 1, args.warmup, args.measure, time.time() - t0))
        f.write("Accepted load (flits ejected per node per cycle) and mean packet latency (cycles, "
                "generation to tail, source queueing included) vs offered load:\n\n")
        f.write("| routing | traffic | " + " | ".join("%.2f" % l for l in LOADS) + " | saturation |\n")
        f.write("|---|---|" + "---|" * len(LOADS) + "---|\n")
        for (r, p), res in rows.items():
            sat = max(a for _, a, _ in res)
            f.write("| %s | %s | " % (ROUTING_NAMES[r], PATTERN_NAMES[p]) +
                    " | ".join("%.3f (%.0f)" % (a, lat) for _, a, lat in res) + " | **%.3f** |\n" % sat)
    print(open(args.out + ".table").read())


if __name__ == "__main__":
    main()
