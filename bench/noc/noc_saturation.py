#!/usr/bin/python3
"""Saturation throughput of the meshforge mesh router RTL (src/rtl/verilog/mf_router*.v + mf_ni.v).

Builds tests/rtl/router/tb_noc.v (MODE 2, bench) with Verilator --binary once per routing
algorithm, then sweeps the offered load (flits/node/cycle, Bernoulli packet injection into
per-source queues) for uniform-random and transpose traffic and records the accepted load
(flits ejected/node/cycle over the measurement window) and the mean packet latency.
Writes the table (and the command line) to results.md.table next to this script.

usage: bench/noc/noc_saturation.py [--mesh 8] [--vcs 2] [--depth 4] [--words 4]
                                   [--build-dir /tmp/mf_noc_bench] [--routings 0,1,2] [--patterns 0,1,3]
Writes the table to results.md.table (results.md = that table + the model comparison).
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
PATTERN_NAMES = {0: "uniform random", 1: "transpose", 3: "snake ring"}
LOADS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0]


def route_path(routing, sx, sy, dx, dy):
    """Links (x, y, port) a packet uses, per mf_router_route.v (ports 1 N, 2 E, 3 S, 4 W)."""
    links, x, y = [], sx, sy
    while (x, y) != (dx, dy):
        ex, wx, ny, sy_ = dx > x, dx < x, dy < y, dy > y
        py = 1 if ny else 3
        if routing == 1:
            p = py if (ny or sy_) else (2 if ex else 4)
        elif routing == 2:
            p = 4 if wx else ((py if (x + y) % 2 else 2) if (ex and (ny or sy_)) else (2 if ex else py))
        else:
            p = (2 if ex else 4) if (ex or wx) else py
        links.append((x, y, p))
        x += {2: 1, 4: -1}.get(p, 0)
        y += {1: -1, 3: 1}.get(p, 0)
    return links


def snake_next(k, t):
    """Pattern 3: the successor of tile t in snake order on a k x k mesh (tb_noc.v snake_next)."""
    x, y = t % k, t // k
    if y % 2 == 0 and x < k - 1:
        return t + 1
    if y % 2 == 1 and x > 0:
        return t - 1
    return t + k if y < k - 1 else 0


def ideal_throughput(k, routing, pattern):
    """1 / max channel load (links, injection and ejection) per flit/node/cycle injected."""
    load = {}
    n = k * k
    for s in range(n):
        sx, sy = s % k, s // k
        if pattern == 0:
            dests = [(d, 1.0 / n) for d in range(n)]
        elif pattern == 3:
            dests = [(snake_next(k, s), 1.0)]
        else:
            dests = [(sx * k + sy, 1.0)]
        for d, w in dests:
            for l in route_path(routing, sx, sy, d % k, d // k) + [("ej", d)]:
                load[l] = load.get(l, 0.0) + w
    return 1.0 / max(max(load.values()), 1.0)


def saturation(res):
    """(saturation load, max accepted): the saturation load is the accepted load at the highest
    offered load the network still keeps up with (accepted >= 95 % of offered, every source
    served at the offered rate); beyond it accepted load stops following offered load."""
    kept = [a for o, a, _ in res if a >= 0.95 * o]
    return (max(kept) if kept else 0.0), max(a for _, a, _ in res)


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
    os.makedirs(out, exist_ok=True)
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
    ap.add_argument("--patterns", default="0,1,3", help="0 uniform random, 1 transpose, 3 snake ring")
    ap.add_argument("--loads", default=",".join("%g" % l for l in LOADS), help="offered loads, flits/node/cycle")
    ap.add_argument("--build-dir", default="/tmp/mf_noc_bench")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"), help="writes OUT.table")
    args = ap.parse_args()
    routings = [int(r) for r in args.routings.split(",")]
    patterns = [int(p) for p in args.patterns.split(",")]
    loads = [float(l) for l in args.loads.split(",")]
    rows = {}
    t0 = time.time()
    for r in routings:
        binary = build(args, r)
        for p in patterns:
            rows[(r, p)] = [run(binary, p, load, args) for load in loads]
            print("%-10s %-14s saturation %.3f, max accepted %.3f flits/node/cycle"
                  % ((ROUTING_NAMES[r], PATTERN_NAMES[p]) + saturation(rows[(r, p)])), file=sys.stderr)
    # The table; bench/noc/results.md adds the comparison with the cost model by hand.
    with open(args.out + ".table", "w") as f:
        f.write("Command: `bench/noc/noc_saturation.py --mesh %d --vcs %d --depth %d --words %d "
                "--warmup %d --measure %d --routings %s --patterns %s --loads %s`  \n"
                % (args.mesh, args.vcs, args.depth, args.words, args.warmup, args.measure,
                   args.routings, args.patterns, args.loads))
        f.write("%dx%d mesh, LINK_BITS 64, VCS %d, DEPTH %d, packets of %d words = %d flits (head + body), "
                "random VC per packet, Verilator 5.006; %d warm-up + %d measured cycles per point; "
                "%.0f s wall.\n\n" % (args.mesh, args.mesh, args.vcs, args.depth, args.words,
                                      args.words + 1, args.warmup, args.measure, time.time() - t0))
        f.write("Accepted load (flits ejected per node per cycle) and mean packet latency (cycles, "
                "generation to tail, source queueing included) vs offered load:\n\n")
        f.write("| routing | traffic | " + " | ".join("%.2f" % l for l in loads) +
                " | saturation load | max accepted | ideal (1 / max channel load) | saturation / ideal |\n")
        f.write("|---|---|" + "---|" * len(loads) + "---|---|---|---|\n")
        for (r, p), res in rows.items():
            sat_load, best = saturation(res)
            ideal = ideal_throughput(args.mesh, r, p)
            f.write("| %s | %s | " % (ROUTING_NAMES[r], PATTERN_NAMES[p]) +
                    " | ".join("%.3f (%.0f)" % (a, lat) for _, a, lat in res) +
                    " | **%.3f** | %.3f | %.3f | **%.2f** |\n" % (sat_load, best, ideal, sat_load / ideal))
    print(open(args.out + ".table").read())


if __name__ == "__main__":
    main()
