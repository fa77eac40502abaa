#!/usr/bin/python3
"""Real synthesis of meshforge's generated RTL (src/rtl/verilog) with the ASAP7 7 nm cells, to
ground the cost model's logic area (src/ppa/evaluate.cpp build_classes) and its MAC / NoC energies.

Method as bench/synth (whose Liberty / netlist / VCD helpers are imported from there): Yosys 0.23
`synth -flatten; dfflibmap; abc -liberty; stat -liberty` (untimed, area-oriented ABC mapping),
memories black boxes (-DSYNTHESIS); energy from iverilog gate-level simulation with the ASAP7
cell models, VCD toggle counts x Liberty internal energy + pin capacitance, plus leakage.

    python3 bench/rtl_synth/synth.py area      # the sweep (two Yosys processes, several configs each)
    python3 bench/rtl_synth/synth.py model     # the cost model's cell areas (build/meshforge rtl)
    python3 bench/rtl_synth/synth.py energy    # gate-level energy per MAC and per flit-hop
    python3 bench/rtl_synth/report.py          # fits, results.json, results.md
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SRC_RTL = os.path.join(ROOT, "src", "rtl", "verilog")
WORK = os.environ.get("RTL_SYNTH_WORK", "/tmp/meshforge-rtl-synth")
MESHFORGE = os.environ.get("MESHFORGE", os.path.join(ROOT, "build", "meshforge"))

import importlib.util   # noqa: E402  bench/synth/synth.py (same file name as this one: load it by path)
_spec = importlib.util.spec_from_file_location("bench_synth", os.path.join(ROOT, "bench", "synth", "synth.py"))
bs = importlib.util.module_from_spec(_spec)   # Liberty parser, netlist parser, VCD toggles, energy()
_spec.loader.exec_module(bs)

bs.WORK = WORK
bs.LIB = os.path.join(WORK, "asap7.lib")
bs.LIB_JSON = os.path.join(WORK, "asap7_power.json")
LIB = bs.LIB
PDK = bs.PDK

FMT_NAMES = ["fp32", "fp16", "bf16", "fp8", "int8", "int4"]     # tech::MacFormat order = FORMATS bit
FMT_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "fp8": 8, "int8": 8, "int4": 4}


def fmask(*names):
    return sum(1 << FMT_NAMES.index(n) for n in names)


def fnames(mask):
    return [n for i, n in enumerate(FMT_NAMES) if mask >> i & 1]


# ----------------------------------------------------------------------------- configurations
# Every configuration: (name, component, top module, parameters). Sizes kept small for the shared
# 2-core machine (bench/synth: 16 fp32 lanes > 10 min): VLEN 64-512, ROWS 1-4, fp32 at VLEN 64/128.
def vu(v, r, *f):
    return (f"vu_V{v}_R{r}_{'+'.join(f)}", "vector_unit", "mf_vector_unit",
            {"VLEN": v, "ROWS": r, "FORMATS": fmask(*f)})


def rt(l, vcs, d, routing=0):
    return (f"router_L{l}_V{vcs}_D{d}_{['xy', 'yx', 'wf'][routing]}", "router", "mf_router",
            {"LINK_BITS": l, "VCS": vcs, "DEPTH": d, "ROUTING": routing})


TILE_MEM = {"IMEM_WORDS": 4096, "WMEM_WORDS": 1024, "AMEM_WORDS": 4096}


def tile(v, r, f, l, vcs, d, fetch=1):
    p = {"VLEN": v, "ROWS": r, "FORMATS": fmask(*f), "FETCH_WIDTH": fetch, "LINK_BITS": l, "VCS": vcs,
         "DEPTH": d}
    p.update(TILE_MEM)
    return (f"tile_V{v}_R{r}_{'+'.join(f)}_L{l}_V{vcs}_D{d}_F{fetch}", "tile", "mf_tile", p)


def ni(l, vcs, d):
    return (f"ni_L{l}_V{vcs}_D{d}", "ni", "mf_ni", {"LINK_BITS": l, "VCS": vcs, "DEPTH": d})


# energy configurations: one format per unit, VLEN 128, ROWS 1 (4 fp32 .. 32 int4 lanes)
ENERGY_VU = {f: f"vu_V128_R1_{f}" for f in FMT_NAMES}
ENERGY_ROUTERS = ["router_L64_V2_D4_xy", "router_L128_V2_D4_xy"]

CONFIGS = [
    # vector unit: the six single-format VLEN-128 units (also the energy netlists), VLEN / ROWS /
    # multi-format points
    vu(128, 1, "fp32"), vu(128, 1, "fp16"), vu(128, 1, "bf16"), vu(128, 1, "fp8"),
    vu(128, 1, "int8"), vu(128, 1, "int4"),
    vu(64, 1, "int8"), vu(256, 1, "int8"), vu(64, 1, "fp32"), vu(64, 4, "int8"),
    vu(64, 1, "fp16"), vu(64, 2, "bf16"), vu(64, 2, "int4"), vu(256, 1, "int4"),
    vu(64, 2, "fp8", "int8"), vu(64, 2, "fp8"), vu(64, 1, "bf16", "int8"), vu(128, 1, "int8", "int4"),
    # router: link bits, VCs, depth, routing
    rt(32, 1, 2), rt(32, 2, 4), rt(64, 1, 4), rt(64, 2, 4), rt(64, 2, 4, 2), rt(64, 4, 2),
    rt(128, 2, 4), rt(128, 1, 8), rt(32, 4, 4), rt(256, 1, 2), rt(128, 2, 2),
    # core (fixed: RV32I, one instruction per cycle whatever FETCH_WIDTH says)
    ("core", "core", "mf_core", {}),
    # tiles (core + vector unit + NI + sequencer; memories are black boxes) and their NIs;
    # FETCH_WIDTH 2 vs 1: the parameter is unused by the RTL (recorded for the cost model only)
    tile(64, 1, ["int8"], 64, 2, 4), tile(128, 1, ["int8"], 128, 2, 4),
    tile(64, 1, ["int8"], 32, 2, 2), tile(64, 1, ["int8"], 32, 2, 2, fetch=2),
    ni(64, 2, 4), ni(128, 2, 4), ni(32, 2, 2),
]
BY_NAME = {c[0]: c for c in CONFIGS}
NETLIST = set(ENERGY_VU.values()) | set(ENERGY_ROUTERS)


def est_cells(c):
    """Rough cell count (to balance the two Yosys workers, largest first)."""
    name, comp, top, p = c
    per_bit = {"fp32": 150, "fp16": 115, "bf16": 100, "fp8": 85, "int8": 75, "int4": 55}
    if comp == "vector_unit":
        return sum(per_bit[f] * p["VLEN"] * p["ROWS"] for f in fnames(p["FORMATS"]))
    if comp == "router":
        return 5 * p["VCS"] * p["DEPTH"] * p["LINK_BITS"] * 7 + 25 * p["LINK_BITS"] * 2
    if comp == "tile":
        return 20000 + est_cells(vu(p["VLEN"], p["ROWS"], *fnames(p["FORMATS"]))) + 10 * p["LINK_BITS"] * 8
    if comp == "ni":
        return p["LINK_BITS"] * 60
    return 12000


# ----------------------------------------------------------------------------- synthesis
def rtl_files():
    return sorted(os.path.join(SRC_RTL, f) for f in os.listdir(SRC_RTL) if f.endswith(".v"))


def synth_opts(c):
    """The vector units skip Yosys's SAT-based `share` pass: on a flattened multi-lane FMA unit it
    enumerates activation patterns of every shifter (hundreds of thousands) and took > 10 GB and
    > 10 min before it was stopped (three runs OOM-killed on the shared machine)."""
    return "-noshare" if c[1] == "vector_unit" else ""


def config_script(c):
    name, comp, top, p = c
    out = os.path.join(WORK, name)
    chp = "".join(f"chparam -set {k} {v} {top}\n" for k, v in p.items())
    wv = f"write_verilog -noattr {out}.v\n" if name in NETLIST else ""
    return (f"design -load rtl\n{chp}synth -flatten {synth_opts(c)} -top {top}\ndfflibmap -liberty {LIB}\n"
            f"abc -liberty {LIB}\nopt_clean\nrename -hide w:*\ntee -q -o {out}.stat stat -liberty {LIB}\n"
            f"{wv}tee -q -o {out}.done log done\n")


def parse_stat(path):
    st = open(path).read()
    area = float(re.search(r"Chip area for module .*?: ([\d.]+)", st).group(1))
    ncell = int(re.search(r"Number of cells:\s+(\d+)", st).group(1))
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+_ASAP7_75t_R)\s+(\d+)", st, re.M)}
    seq = sum(n * bs.lib_power()[t]["area"] for t, n in cells.items() if bs.lib_power()[t]["seq"])
    flops = sum(n for t, n in cells.items() if bs.lib_power()[t]["seq"])
    return {"area_um2": area, "cells": ncell, "seq_area_um2": round(seq, 3), "flops": flops,
            "cell_types": cells}


def run_batch(batch, tag):
    """One Yosys call for several configurations: read the RTL once, then per configuration
    design -load / chparam / synth / map / stat. Per-configuration runtime = time between the
    marker files the script writes after each one."""
    pre = os.path.join(WORK, f"batch_{tag}")
    files = " ".join(rtl_files())
    script = f"read_verilog -DSYNTHESIS {files}\ndesign -save rtl\ntee -q -o {pre}.start log start\n"
    script += "".join(config_script(c) for c in batch)
    open(pre + ".ys", "w").write(script)
    for c in batch:
        for ext in (".done", ".stat"):
            if os.path.exists(os.path.join(WORK, c[0] + ext)):
                os.remove(os.path.join(WORK, c[0] + ext))
    t0 = time.time()
    r = subprocess.run(f"yosys -q -l {pre}.log {pre}.ys > /dev/null 2> {pre}.err", shell=True)
    prev = os.path.getmtime(pre + ".start") if os.path.exists(pre + ".start") else t0
    for c in batch:
        done = os.path.join(WORK, c[0] + ".done")
        if not os.path.exists(done):
            print(f"[{tag}] {c[0]}: FAILED (yosys rc {r.returncode}, see {pre}.err)", flush=True)
            break
        t = os.path.getmtime(done)
        res = parse_stat(os.path.join(WORK, c[0] + ".stat"))
        res.update(name=c[0], component=c[1], top=c[2], params=c[3], synth_s=round(t - prev, 1),
                   synth_opts=synth_opts(c))
        json.dump(res, open(os.path.join(WORK, c[0] + ".json"), "w"), indent=1)
        print(f"[{tag}] {c[0]}: {res['cells']} cells {res['area_um2']:.1f} um2 ({res['synth_s']} s)", flush=True)
        prev = t


def cached(c):
    j = os.path.join(WORK, c[0] + ".json")
    if not os.path.exists(j):
        return False
    r = json.load(open(j))
    if r["params"] != c[3] or r.get("synth_opts", "") != synth_opts(c):
        return False
    if c[0] in NETLIST and not os.path.exists(os.path.join(WORK, c[0] + ".v")):
        return False
    return os.path.getmtime(j) > max(os.path.getmtime(f) for f in rtl_files())


RUN = time.strftime("%H%M%S")


def run_area(only=None, workers=2, batch_cells=60000, skip=None):
    bs.ensure_lib()
    bs.lib_power()
    todo = [c for c in CONFIGS if not cached(c) and (only is None or re.search(only, c[0]))
            and (skip is None or not re.search(skip, c[0]))]
    todo.sort(key=est_cells, reverse=True)
    # greedy: balance the workers by estimated cells, then batches of ~batch_cells per yosys call
    queues = [[] for _ in range(workers)]
    load = [0] * workers
    for c in todo:
        i = load.index(min(load))
        queues[i].append(c)
        load[i] += est_cells(c)

    def worker(i):
        q = queues[i]
        b, n, k = [], 0, 0
        for c in q + [None]:
            if c is not None and (not b or n + est_cells(c) <= batch_cells):
                b.append(c)
                n += est_cells(c)
                continue
            if b:
                run_batch(b, f"{RUN}_w{i}_{k}")
                k += 1
            b, n = ([c], est_cells(c)) if c is not None else ([], 0)
    th = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    t0 = time.time()
    for t in th:
        t.start()
    for t in th:
        t.join()
    print(f"area: {time.time() - t0:.0f} s wall for {len(todo)} configurations", flush=True)
    collect()


def recover():
    """Results of batches whose Python driver was stopped (Yosys went on): from the marker files."""
    for ys in sorted(f for f in os.listdir(WORK) if f.startswith("batch_") and f.endswith(".ys")):
        pre = os.path.join(WORK, ys[:-3])
        names = re.findall(r"tee -q -o (\S+)\.done log done", open(pre + ".ys").read())
        if not os.path.exists(pre + ".start"):
            continue
        prev = os.path.getmtime(pre + ".start")
        for n in names:
            name = os.path.basename(n)
            if not os.path.exists(n + ".done") or name not in BY_NAME:
                break
            t = os.path.getmtime(n + ".done")
            if not os.path.exists(n + ".json") and t >= prev:
                c = BY_NAME[name]
                res = parse_stat(n + ".stat")
                res.update(name=c[0], component=c[1], top=c[2], params=c[3], synth_s=round(t - prev, 1),
                           synth_opts="" if "-noshare" not in open(pre + ".ys").read() else synth_opts(c))
                json.dump(res, open(n + ".json", "w"), indent=1)
                print(f"recovered {name}: {res['cells']} cells {res['area_um2']:.1f} um2 ({res['synth_s']} s)")
            prev = t


def collect():
    recover()
    res = []
    for c in CONFIGS:
        j = os.path.join(WORK, c[0] + ".json")
        if os.path.exists(j):
            res.append(json.load(open(j)))
    json.dump(res, open(os.path.join(WORK, "area.json"), "w"), indent=1)
    return res


# ----------------------------------------------------------------------------- cost model side
def design_yaml(c):
    """A 1x1 mesh whose single tile class / NoC carries this configuration's parameters."""
    name, comp, top, p = c
    t = {"vlen_bits": 512, "mac_rows": 1, "fmt": ["int8"], "fetch": 1}
    noc = {"link_bits": 128, "virtual_channels": 2, "buffer_depth_flits": 4, "routing": "xy"}
    if comp in ("vector_unit", "tile"):
        t.update(vlen_bits=p["VLEN"], mac_rows=p["ROWS"], fmt=fnames(p["FORMATS"]))
    if comp == "tile":
        t["fetch"] = p["FETCH_WIDTH"]
    if comp in ("router", "tile", "ni"):
        noc.update(link_bits=p["LINK_BITS"], virtual_channels=p["VCS"], buffer_depth_flits=p["DEPTH"])
    if comp == "router":
        noc["routing"] = ["xy", "yx", "west_first"][p["ROUTING"]]
    return f"""name: {name}
mesh: {{rows: 1, cols: 1}}
tile_classes:
  - name: t
    fetch_width: {t['fetch']}
    vlen_bits: {t['vlen_bits']}
    mac_rows: {t['mac_rows']}
    imem_bytes: 16KiB
    wmem_bytes: 64KiB
    amem_bytes: 64KiB
    mac_formats: [{', '.join(t['fmt'])}]
noc: {{link_bits: {noc['link_bits']}, virtual_channels: {noc['virtual_channels']}, buffer_depth_flits: {noc['buffer_depth_flits']}, routing: {noc['routing']}}}
clock_mhz: 1000
"""


def run_model():
    out = {}
    for c in CONFIGS:
        d = os.path.join(WORK, "model", c[0])
        os.makedirs(d, exist_ok=True)
        y = os.path.join(d, "design.yaml")
        open(y, "w").write(design_yaml(c))
        r = subprocess.run([MESHFORGE, "rtl", "--design", y, "--node", "7nm", "--out", os.path.join(d, "rtl")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:      # e.g. an int4-only tile with odd mac_rows: the generator refuses it
            out[c[0]] = {"error": r.stderr.strip()}
            continue
        fp = json.load(open(os.path.join(d, "rtl", "floorplan.json")))
        out[c[0]] = fp["classes"][0]["model_cells_mm2"]
    json.dump(out, open(os.path.join(WORK, "model.json"), "w"), indent=1)
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["lib", "area", "model", "energy", "collect"])
    ap.add_argument("--only", help="regex of configuration names (area)")
    ap.add_argument("--skip", help="regex of configuration names not to synthesise (area)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-cells", type=int, default=60000, help="estimated cells per Yosys call")
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    bs.ensure_lib()
    if a.step == "lib":
        bs.lib_power()
    elif a.step == "area":
        run_area(a.only, a.workers, batch_cells=a.batch_cells, skip=a.skip)
    elif a.step == "model":
        run_model()
    elif a.step == "collect":
        collect()
    elif a.step == "energy":
        import energy
        energy.run_energy()
