#!/usr/bin/python3
"""Synthesis and gate-level energy bench for meshforge's MAC / register-file constants.

ASAP7 7 nm RVT TT (0.7 V, 25 C) standard cells (/work/shared/pdk/asap7), Yosys 0.23 + ABC for
mapping, iverilog for gate-level simulation, a VCD toggle count and the Liberty power tables for
energy. Standard library only (no numpy). See bench/synth/results.md for the method.

    bench/synth/run.sh            # everything: synth, verify, energy, results.md/json
    python3 bench/synth/synth.py area|verify|energy|report|all [--quick]
"""
import argparse
import gzip
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
RTL = os.path.join(HERE, "rtl")
SRC_RTL = os.path.normpath(os.path.join(HERE, "..", "..", "src", "rtl", "verilog"))
PDK = os.environ.get("ASAP7_DIR", "/work/shared/pdk/asap7")
WORK = os.environ.get("SYNTH_WORK", "/tmp/meshforge-synth")
LIB_GZ = os.path.join(PDK, "asap7_rvt_tt_merged.lib.gz")
LIB = os.path.join(WORK, "asap7.lib")
LIB_JSON = os.path.join(WORK, "asap7_power.json")
# the FMA datapath is the shared one in src/rtl/verilog (also the vector unit's), the lanes are local
RTL_FILES = [os.path.join(RTL, "mac_int.v"), os.path.join(SRC_RTL, "mf_fma.v"),
             os.path.join(SRC_RTL, "mf_fma_pipe.v"), os.path.join(SRC_RTL, "mf_pipe_reg.v"),
             os.path.join(RTL, "mac_fp.v"), os.path.join(RTL, "misc.v")]
VDD = 0.7                 # V, the library's corner
NAND2 = "NAND2xp33_ASAP7_75t_R"
DFF = "DFFHQNx1_ASAP7_75t_R"
# Liberty 7x7 tables: index_1 = input transition (5..320 ps), index_2 = output load. We read the
# entry [2][2]: 20 ps input slew and the third load point (1.44 fF for x1 cells) -- a small,
# typically loaded gate. 1-D (passive) tables: entry [2] (20 ps).
MID = 2

# format: (module, input exponent bits, input fraction bits, acc exponent bits, acc fraction bits)
FP_FORMATS = {
    "fp32": ("mac_fp32", 8, 23, 8, 23),
    "fp16": ("mac_fp16", 5, 10, 8, 23),
    "bf16": ("mac_bf16", 8, 7, 8, 23),
    "fp8": ("mac_fp8", 4, 3, 5, 10),
    "fp8_acc32": ("mac_fp8f32", 4, 3, 8, 23),
}
INT_FORMATS = {"int8": ("mac_int8", 8, 32), "int4": ("mac_int4", 4, 16)}
FORMATS = ["fp32", "fp16", "bf16", "fp8", "fp8_acc32", "int8", "int4"]
ACC_DESC = {"fp32": "fp32 FMA (fp32 x fp32 + fp32)", "fp16": "fp16 x fp16 + fp32",
            "bf16": "bf16 x bf16 + fp32", "fp8": "E4M3 x E4M3 + fp16",
            "fp8_acc32": "E4M3 x E4M3 + fp32", "int8": "int8 x int8 + int32",
            "int4": "int4 x int4 + int16"}


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def io_widths(fmt):
    if fmt in FP_FORMATS:
        _, ei, mi, ec, mc = FP_FORMATS[fmt]
        return 1 + ei + mi, 1 + ec + mc
    _, w, accw = INT_FORMATS[fmt]
    return w, accw


def module_of(fmt):
    return FP_FORMATS[fmt][0] if fmt in FP_FORMATS else INT_FORMATS[fmt][0]


# ----------------------------------------------------------------------------- Liberty
def ensure_lib():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(LIB):
        with gzip.open(LIB_GZ, "rb") as f, open(LIB + ".tmp", "wb") as g:
            g.write(f.read())
        os.replace(LIB + ".tmp", LIB)


def parse_liberty(path):
    """Minimal Liberty parser: nested groups {type, args, attrs, groups}."""
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = text.replace("\\\n", " ")
    tok = re.compile(r'\s*(?:([A-Za-z_][\w.]*)\s*\(([^)]*)\)\s*\{|([A-Za-z_][\w.]*)\s*:\s*("[^"]*"|[^;\n]*?)[ \t]*(?:;|\n)'
                     r'|([A-Za-z_][\w.]*)\s*\(((?:[^()"]|"[^"]*")*)\)\s*;|(\}))')
    root = {"type": "root", "args": "", "attrs": {}, "groups": []}
    stack = [root]
    pos = 0
    n = len(text)
    while pos < n:
        m = tok.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise ValueError("liberty parse error near: " + text[pos:pos + 80])
        pos = m.end()
        if m.group(1):
            g = {"type": m.group(1), "args": m.group(2).strip().strip('"'), "attrs": {}, "groups": []}
            stack[-1]["groups"].append(g)
            stack.append(g)
        elif m.group(3):
            stack[-1]["attrs"][m.group(3)] = m.group(4).strip().strip('"')
        elif m.group(5):
            stack[-1]["attrs"].setdefault(m.group(5), []).append(m.group(6))
        else:
            stack.pop()
    return root


def table_mid(g):
    vals = g["attrs"].get("values")
    if not vals:
        return 0.0
    rows = [[float(x) for x in r.strip().strip('"').split(",")] for r in re.findall(r'"[^"]*"', vals[0])]
    if len(rows) == 1:
        row = rows[0]
        return row[min(MID, len(row) - 1)]
    r = rows[min(MID, len(rows) - 1)]
    return r[min(MID, len(r) - 1)]


def power_energy(groups):
    """Energy (fJ) per transition of the pin owning these internal_power groups: for each
    (related pin, when) the VDD and VSS tables are summed, rise and fall averaged; 'when'
    variants are averaged; related pins are averaged."""
    per = {}
    for g in groups:
        rel = g["attrs"].get("related_pin", "")
        when = g["attrs"].get("when", "")
        pg = g["attrs"].get("related_pg_pin", "")
        rise = [table_mid(s) for s in g["groups"] if s["type"] == "rise_power"]
        fall = [table_mid(s) for s in g["groups"] if s["type"] == "fall_power"]
        e = (sum(rise) / len(rise) if rise else 0.0, sum(fall) / len(fall) if fall else 0.0)
        d = per.setdefault(rel, {}).setdefault(when, {})
        d[pg] = e
    if not per:
        return 0.0
    rels = []
    for rel, whens in per.items():
        ws = []
        for when, pgs in whens.items():
            rise = sum(v[0] for v in pgs.values())
            fall = sum(v[1] for v in pgs.values())
            ws.append(0.5 * (rise + fall))
        rels.append(sum(ws) / len(ws))
    return sum(rels) / len(rels)


def lib_power():
    """Per cell: area, leakage (pW, state-independent value), pins {dir, cap fF, e_fJ}."""
    ensure_lib()
    if os.path.exists(LIB_JSON):
        return json.load(open(LIB_JSON))
    root = parse_liberty(LIB)
    lib = root["groups"][0]
    cells = {}
    for c in lib["groups"]:
        if c["type"] != "cell":
            continue
        leak = [float(g["attrs"]["value"]) for g in c["groups"]
                if g["type"] == "leakage_power" and "when" not in g["attrs"]
                and g["attrs"].get("related_pg_pin", "VDD") == "VDD"]
        pins = {}
        seq = any(g["type"] in ("ff", "latch") for g in c["groups"])
        for p in c["groups"]:
            if p["type"] != "pin":
                continue
            ip = [g for g in p["groups"] if g["type"] == "internal_power"]
            pins[p["args"]] = {"dir": p["attrs"].get("direction"),
                               "cap": float(p["attrs"].get("capacitance", 0.0)),
                               "e": power_energy(ip)}
        cells[c["args"]] = {"area": float(c["attrs"]["area"]), "leak_pw": leak[0] if leak else 0.0,
                            "seq": seq, "pins": pins}
    json.dump(cells, open(LIB_JSON, "w"), indent=0)
    return cells


# ----------------------------------------------------------------------------- synthesis
def yosys_script(top, params, out):
    chp = "".join(f"chparam -set {k} {v} {top}\n" for k, v in params.items())
    files = " ".join(RTL_FILES)
    return f"""read_verilog {files}
{chp}synth -flatten -top {top}
dfflibmap -liberty {LIB}
abc -liberty {LIB}
opt_clean
rename -hide w:*
tee -o {out}.stat stat -liberty {LIB}
write_verilog -noattr {out}.v
"""


def synth(name, top, params):
    out = os.path.join(WORK, name)
    script = yosys_script(top, params, out)
    rtl_mtime = max(os.path.getmtime(f) for f in RTL_FILES)
    done = out + ".done.json"
    if (os.path.exists(done) and open(out + ".ys").read() == script
            and os.path.getmtime(done) > rtl_mtime):      # same script, RTL unchanged: reuse
        dt = json.load(open(done))["synth_s"]
    else:
        with open(out + ".ys", "w") as f:
            f.write(script)
        t0 = time.time()
        sh(f"yosys -q -l {out}.log {out}.ys > /dev/null 2> {out}.err")
        dt = time.time() - t0
        json.dump({"synth_s": round(dt, 1)}, open(done, "w"))
    st = open(out + ".stat").read()
    area = float(re.search(r"Chip area for module .*?: ([\d.]+)", st).group(1))
    ncell = int(re.search(r"Number of cells:\s+(\d+)", st).group(1))
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+_ASAP7_75t_R)\s+(\d+)", st, re.M)}
    return {"name": name, "top": top, "params": params, "area_um2": area, "cells": ncell,
            "cell_types": cells, "synth_s": round(dt, 1), "netlist": out + ".v"}


# ----------------------------------------------------------------------------- FP reference
def fp_decode(bits, e_bits, m_bits):
    """Value of a bit pattern under the datapath's rules: exponent 0 = zero (denormals are
    zero), an all-ones exponent is an ordinary exponent."""
    s = (bits >> (e_bits + m_bits)) & 1
    e = (bits >> m_bits) & ((1 << e_bits) - 1)
    m = bits & ((1 << m_bits) - 1)
    if e == 0:
        return Fraction(0)
    bias = (1 << (e_bits - 1)) - 1
    v = Fraction((1 << m_bits) | m, 1 << m_bits) * (Fraction(2) ** (e - bias))
    return -v if s else v


def fp_encode(v, e_bits, m_bits):
    """Round an exact value to the format: RNE, flush below the smallest normal to a signed zero,
    overflow to the Inf encoding; exact zero = +0."""
    v = Fraction(v)
    if v == 0:
        return 0
    s = 1 if v < 0 else 0
    a = -v if s else v
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    q = a / (Fraction(2) ** e) * (1 << m_bits)       # in [2^m, 2^(m+1))
    fl = q.numerator // q.denominator
    rem = q - fl
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and (fl & 1)):
        fl += 1
    if fl == (1 << (m_bits + 1)):
        fl >>= 1
        e += 1
    bias = (1 << (e_bits - 1)) - 1
    eb = e + bias
    if eb <= 0:
        return s << (e_bits + m_bits)
    if eb >= (1 << e_bits) - 1:
        return (s << (e_bits + m_bits)) | (((1 << e_bits) - 1) << m_bits)
    return (s << (e_bits + m_bits)) | (eb << m_bits) | (fl & ((1 << m_bits) - 1))


def reference(fmt, A, B, lanes, ncyc):
    """acc after each cycle's MAC, per lane."""
    iw, cw = io_widths(fmt)
    out = []
    acc = [0] * lanes
    for k in range(ncyc):
        for l in range(lanes):
            a = (A[k] >> (l * iw)) & ((1 << iw) - 1)
            b = (B[k] >> (l * iw)) & ((1 << iw) - 1)
            if fmt in FP_FORMATS:
                _, ei, mi, ec, mc = FP_FORMATS[fmt]
                v = fp_decode(a, ei, mi) * fp_decode(b, ei, mi) + fp_decode(acc[l], ec, mc)
                acc[l] = fp_encode(v, ec, mc)
            else:
                def sx(x, w):
                    return x - (1 << w) if x >> (w - 1) else x
                v = sx(acc[l], cw) + sx(a, iw) * sx(b, iw)
                acc[l] = v & ((1 << cw) - 1)
        out.append(sum(x << (l * cw) for l, x in enumerate(acc)))
    return out


# ----------------------------------------------------------------------------- stimulus
def operand(fmt, rng, kind):
    """One operand. kind 'gauss': N(0,1) activations/weights (ints: int8 sigma 32, int4 sigma 2,
    clipped; a max-abs-quantised tensor); kind 'bits': random exponent near the bias and random
    fraction bits (verification corner cases)."""
    if fmt in FP_FORMATS:
        _, ei, mi, ec, mc = FP_FORMATS[fmt]
        if kind == "gauss":
            return fp_encode(Fraction(rng.gauss(0.0, 1.0)), ei, mi)
        bias = (1 << (ei - 1)) - 1
        e = max(1, min((1 << ei) - 2, bias + rng.randint(-4, 4)))
        if rng.random() < 0.03:
            e = 0
        return (rng.getrandbits(1) << (ei + mi)) | (e << mi) | rng.getrandbits(mi)
    _, w, _ = INT_FORMATS[fmt]
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    if kind == "gauss":
        sigma = 32.0 if w == 8 else 2.0
        v = max(lo, min(hi, int(round(rng.gauss(0.0, sigma)))))
    else:
        v = rng.randint(lo, hi)
    return v & ((1 << w) - 1)


def cancel_stimulus(fmt, lanes, ncyc, seed):
    """Verification stimulus that drives the accumulator into (near-)cancellation: with
    probability 0.4 per lane and cycle b ~ -acc / a, rounded to the input format, so that
    a * b + acc loses most leading bits (the normaliser's hardest case); otherwise 'bits'
    operands; a few tiny operands for underflow."""
    rng = random.Random(seed)
    iw, cw = io_widths(fmt)
    _, ei, mi, ec, mc = FP_FORMATS[fmt]
    acc = [0] * lanes
    A, B = [], []
    for _ in range(ncyc):
        av, bv = 0, 0
        for l in range(lanes):
            a = operand(fmt, rng, "bits")
            b = operand(fmt, rng, "bits")
            va = fp_decode(a, ei, mi)
            r = rng.random()
            if r < 0.4 and va != 0 and acc[l] != 0:
                b = fp_encode(-fp_decode(acc[l], ec, mc) / va * (1 + Fraction(rng.randint(-8, 8), 1 << (mi + 2))), ei, mi)
            elif r < 0.45:
                b = fp_encode(Fraction(1, 1 << ((1 << (ei - 1)) - 2 + rng.randint(0, 3))), ei, mi) | (rng.getrandbits(1) << (ei + mi))
            acc[l] = fp_encode(fp_decode(a, ei, mi) * fp_decode(b, ei, mi) + fp_decode(acc[l], ec, mc), ec, mc)
            av |= a << (l * iw)
            bv |= b << (l * iw)
        A.append(av)
        B.append(bv)
    return A, B


def virus_stimulus(fmt, lanes, ncyc, seed):
    """Worst-case switching (a power virus): each operand is the bitwise complement of the one
    before, so every input bit toggles every cycle. Fresh random 'bits' operands start each pair of
    cycles for floats (their complement keeps an exponent near the bias, finite), any bits for ints."""
    rng = random.Random(seed)
    iw, _ = io_widths(fmt)
    mask = (1 << iw) - 1
    A, B = [], []
    a = [operand(fmt, rng, "bits") for _ in range(lanes)]
    b = [operand(fmt, rng, "bits") for _ in range(lanes)]
    for _ in range(ncyc):
        A.append(sum(x << (l * iw) for l, x in enumerate(a)))
        B.append(sum(x << (l * iw) for l, x in enumerate(b)))
        a = [~x & mask for x in a]
        b = [~x & mask for x in b]
    return A, B


def stimulus(fmt, lanes, ncyc, kind, seed):
    if kind == "cancel":
        return cancel_stimulus(fmt, lanes, ncyc, seed)
    if kind == "virus":
        return virus_stimulus(fmt, lanes, ncyc, seed)
    rng = random.Random(seed)
    iw, _ = io_widths(fmt)
    A, B = [], []
    for _ in range(ncyc):
        A.append(sum(operand(fmt, rng, kind) << (l * iw) for l in range(lanes)))
        B.append(sum(operand(fmt, rng, kind) << (l * iw) for l in range(lanes)))
    return A, B


TB = """`timescale 1ns/10ps
module tb;
  reg clk = 1'b0, rst = 1'b1;
  reg  [{aw}-1:0] a = 0, b = 0;
  wire [{cw}-1:0] acc;
  reg  [{aw}-1:0] A [0:{n}-1];
  reg  [{aw}-1:0] B [0:{n}-1];
  integer k, f;
  {top} dut (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));
  always #1 clk = ~clk;                       // 2 ns period
  initial begin
    $readmemh("{pre}.a.hex", A);
    $readmemh("{pre}.b.hex", B);
    f = $fopen("{pre}.out", "w");
{vcd}    @(negedge clk); @(negedge clk);
    rst = 1'b0;
    for (k = 0; k < {n}; k = k + 1) begin
      a = A[k]; b = B[k];
      @(negedge clk);
      $fwrite(f, "%h\\n", acc);
    end
    @(negedge clk); $fwrite(f, "%h\\n", acc);
    @(negedge clk); $fwrite(f, "%h\\n", acc);
    $fclose(f);
    $finish;
  end
endmodule
"""


def simulate(fmt, lanes, design_files, pre, A, B, vcd=False, gate=False):
    iw, cw = io_widths(fmt)
    n = len(A)
    with open(pre + ".a.hex", "w") as f:
        f.write("\n".join(format(x, "x") for x in A) + "\n")
    with open(pre + ".b.hex", "w") as f:
        f.write("\n".join(format(x, "x") for x in B) + "\n")
    vcdtxt = f'    $dumpfile("{pre}.vcd"); $dumpvars(1, tb.dut);\n' if vcd else ""
    top = module_of(fmt) if gate else module_of(fmt) + "_tbwrap"
    with open(pre + ".tb.v", "w") as f:
        f.write(TB.format(aw=lanes * iw, cw=lanes * cw, n=n, top=top, pre=pre, vcd=vcdtxt))
        if not gate:   # RTL: fix LANES through a wrapper
            f.write(f"module {top}(input clk, input rst, input [{lanes*iw}-1:0] a, input [{lanes*iw}-1:0] b,"
                    f" output [{lanes*cw}-1:0] acc);\n  {module_of(fmt)} #(.LANES({lanes})) u"
                    f" (.clk(clk), .rst(rst), .a(a), .b(b), .acc(acc));\nendmodule\n")
    cells = " ".join(os.path.join(PDK, "verilog", f) for f in sorted(os.listdir(os.path.join(PDK, "verilog"))))
    files = " ".join(design_files) + (" " + cells if gate else "")
    sh(f"iverilog -g2005 -o {pre}.vvp {pre}.tb.v {files} 2> {pre}.iverilog.log")
    sh(f"vvp -n {pre}.vvp > {pre}.simlog")
    outs = [int(l, 16) if re.fullmatch(r"[0-9a-fA-F]+", l.strip()) else None
            for l in open(pre + ".out").read().split()]
    return outs


def check(fmt, lanes, outs, A, B):
    """Recorded acc at the negedge after cycle k's operands: the lane registers its operands on
    the next posedge and accumulates on the one after, so out[k+1] = acc after MAC k."""
    ref = reference(fmt, A, B, lanes, len(A))
    got = outs[1:1 + len(ref)]
    bad = [k for k, (g, r) in enumerate(zip(got, ref)) if g != r]
    return len(ref), bad, ref


# ----------------------------------------------------------------------------- netlist + VCD
def parse_netlist(path):
    """Cell instances with pin -> net-bit names, and the alias classes from assigns."""
    txt = open(path).read()
    mod = re.search(r"module\s+(\w+)\s*\(", txt).group(1)
    widths = {}
    for m in re.finditer(r"^\s*(?:wire|input|output)\s+(?:\[(\d+):(\d+)\]\s+)?([\w$\\.\[\]]+)\s*;", txt, re.M):
        widths[m.group(3)] = (int(m.group(1)), int(m.group(2))) if m.group(1) else None
    insts = []
    for m in re.finditer(r"^\s*(\w+_ASAP7_75t_R)\s+(\S+)\s*\((.*?)\);", txt, re.M | re.S):
        pins = {p: n.strip() for p, n in re.findall(r"\.(\w+)\(([^()]*)\)", m.group(3))}
        insts.append((m.group(1), pins))
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x
    for m in re.finditer(r"^\s*assign\s+(\S+)\s*=\s*(\S+)\s*;", txt, re.M):
        l, r = m.group(1), m.group(2)
        if "{" in l or "{" in r:
            continue
        rl, rr = find(l), find(r)
        if rl != rr:
            parent[rl] = rr
    return mod, widths, insts, find


def vcd_toggles(path, t_start, t_end):
    """Transitions (0<->1) per bit name in [t_start, t_end) ps."""
    ids = {}
    tog = {}
    last = {}
    t = 0
    with open(path) as f:
        header = True
        for line in f:
            if header:
                if line.startswith("$var"):
                    p = line.split()
                    width, code, name = int(p[2]), p[3], p[4]
                    rng_ = p[5] if len(p) > 6 and p[5].startswith("[") else None
                    if width == 1:
                        bits = [name if rng_ is None else f"{name}{rng_}"]
                    else:
                        hi, lo = map(int, rng_.strip("[]").split(":"))
                        step = -1 if hi >= lo else 1
                        bits = [f"{name}[{i}]" for i in range(hi, lo + step, step)]
                    ids.setdefault(code, []).extend([bits])
                elif line.startswith("$enddefinitions"):
                    header = False
                continue
            c = line[0]
            if c == "#":
                t = int(line[1:])
                continue
            if c in "01xzXZ":
                val, code = c, line[1:].strip()
            elif c == "b":
                val, code = line[1:].split()
            else:
                continue
            for bits in ids.get(code, []):
                v = val.rjust(len(bits), "0" if val[0] in "01" else val[0])
                for name, ch in zip(bits, v):
                    old = last.get(name)
                    if old is not None and old != ch and old in "01" and ch in "01" and t_start <= t < t_end:
                        tog[name] = tog.get(name, 0) + 1
                    last[name] = ch
    return tog


def energy(netlist, vcd, t_start, t_end, macs, lib):
    """Dynamic energy (pJ) in the window, split into: comb internal, data-net switching, flop
    internal (incl. clock pins), clock net, primary-input nets; and leakage (nW)."""
    mod, widths, insts, find = parse_netlist(netlist)
    tog_raw = vcd_toggles(vcd, t_start, t_end)
    tog = {}
    for name, n in tog_raw.items():
        r = find(name)
        tog[r] = max(tog.get(r, 0), n)
    load = {}      # net -> fF of input pins
    driver = {}    # net -> 'comb' | 'seq'
    e = {"comb_internal": 0.0, "flop_internal": 0.0, "comb_net": 0.0, "flop_net": 0.0,
         "clock_net": 0.0, "input_net": 0.0}
    leak = 0.0
    for typ, pins in insts:
        c = lib[typ]
        leak += c["leak_pw"]
        for p, net in pins.items():
            if not net or net.startswith(("1'", "0'")) or re.fullmatch(r"\d+'h\w+", net):
                continue
            info = c["pins"][p]
            r = find(net)
            if info["dir"] == "input":
                load[r] = load.get(r, 0.0) + info["cap"]
            else:
                driver[r] = "seq" if c["seq"] else "comb"
            e_int = tog.get(r, 0) * info["e"]          # fJ
            e["flop_internal" if c["seq"] else "comb_internal"] += e_int
    half_cv2 = 0.5 * VDD * VDD
    for r, cap in load.items():
        et = tog.get(r, 0) * cap * half_cv2
        if r == "clk":
            e["clock_net"] += et
        elif r in driver:
            e["comb_net" if driver[r] == "comb" else "flop_net"] += et
        else:
            e["input_net"] += et
    per_mac = {k: v / 1000.0 / macs for k, v in e.items()}     # fJ -> pJ per MAC
    per_mac["datapath"] = per_mac["comb_internal"] + per_mac["comb_net"] + per_mac["flop_net"]
    per_mac["registers_and_clock"] = per_mac["flop_internal"] + per_mac["clock_net"]
    per_mac["total"] = per_mac["datapath"] + per_mac["registers_and_clock"]
    return per_mac, leak / 1000.0   # pJ/MAC, nW


# ----------------------------------------------------------------------------- flows
def run_area(quick):
    # fp32 at 16 lanes took > 10 min in Yosys 0.23/ABC on the shared machine: 1, 2, 4 lanes there
    lanes_of = {f: ([1, 4] if quick else ([1, 2, 4] if f == "fp32" else [1, 4, 16])) for f in FORMATS}
    res = []
    for name, top, params in [("ref_nand2", "ref_nand2", {}), ("ref_dff", "ref_dff", {})]:
        res.append(synth(name, top, params))
        print(f"{name}: {res[-1]['area_um2']} um2", flush=True)
    for fmt in FORMATS:
        for L in lanes_of[fmt]:
            r = synth(f"{fmt}_L{L}", module_of(fmt), {"LANES": L})
            r.update(fmt=fmt, lanes=L)
            res.append(r)
            print(f"{fmt} L{L}: {r['cells']} cells {r['area_um2']:.2f} um2 ({r['synth_s']} s)", flush=True)
    for W in ([64, 256] if quick else [64, 128, 256, 512, 1024]):
        r = synth(f"rf3r1w_W{W}", "rf3r1w", {"W": W})
        r.update(rf_width=W)
        res.append(r)
        print(f"rf3r1w W{W}: {r['cells']} cells {r['area_um2']:.2f} um2 ({r['synth_s']} s)", flush=True)
    json.dump(res, open(os.path.join(WORK, "area.json"), "w"), indent=1)
    return res


def run_verify(ncyc=400):
    """RTL vs the Python reference (bit-exact) on Gaussian and corner-case stimulus, and the
    4-lane gate-level netlist vs the reference."""
    out = {}
    rtl = list(RTL_FILES)
    for fmt in FORMATS:
        row = {}
        kinds = (("gauss", 1), ("bits", 2)) + ((("cancel", 4),) if fmt in FP_FORMATS else ())
        for kind, seed in kinds:
            A, B = stimulus(fmt, 2, ncyc, kind, seed)
            outs = simulate(fmt, 2, rtl, os.path.join(WORK, f"v_{fmt}_{kind}"), A, B)
            n, bad, _ = check(fmt, 2, outs, A, B)
            row[f"rtl_{kind}"] = {"macs": 2 * n, "mismatches": len(bad), "first_bad": bad[:5]}
        gl = os.path.join(WORK, f"{fmt}_L4.v")
        if os.path.exists(gl):
            A, B = stimulus(fmt, 4, 200, "bits", 3)
            outs = simulate(fmt, 4, [gl], os.path.join(WORK, f"g_{fmt}"), A, B, gate=True)
            n, bad, _ = check(fmt, 4, outs, A, B)
            row["gate_bits"] = {"macs": 4 * n, "mismatches": len(bad), "first_bad": bad[:5]}
        out[fmt] = row
        print(fmt, json.dumps(row), flush=True)
    json.dump(out, open(os.path.join(WORK, "verify.json"), "w"), indent=1)
    return out


def gate_level_energy(fmt, lanes, netlist, pre, A, B, lib):
    """Simulate the netlist on operands A, B with a VCD, check it against the reference and count
    its energy over the steady-state window: (pJ per MAC by part, leakage nW, mismatches, cycles)."""
    outs = simulate(fmt, lanes, [netlist], pre, A, B, vcd=True, gate=True)
    _, bad, _ = check(fmt, lanes, outs, A, B)
    # window: from the negedge at which the first MAC's operands are latched + 8 cycles, for
    # len(A) - 16 cycles (clock period 2 ns = 2000 ps; the VCD timescale is 10 ps)
    t_start = (2 * 2 + 1 + 2 * 8) * 100     # ps/10 units
    ncount = len(A) - 16
    per_mac, leak_nw = energy(netlist, pre + ".vcd", t_start, t_start + ncount * 200, ncount * lanes, lib)
    os.remove(pre + ".vcd")
    return per_mac, leak_nw, bad, ncount


def run_energy(lanes=4, ncyc=512):
    lib = lib_power()
    out = {}
    for fmt in FORMATS:
        gl = os.path.join(WORK, f"{fmt}_L{lanes}.v")
        pre = os.path.join(WORK, f"e_{fmt}")
        A, B = stimulus(fmt, lanes, ncyc, "gauss", 11)
        t0 = time.time()
        per_mac, leak_nw, bad, ncount = gate_level_energy(fmt, lanes, gl, pre, A, B, lib)
        out[fmt] = {"lanes": lanes, "cycles": ncount, "mismatches": len(bad),
                    "pj_per_mac": {k: round(v, 5) for k, v in per_mac.items()},
                    "leakage_nw_per_lane": round(leak_nw / lanes, 2), "sim_s": round(time.time() - t0, 1)}
        print(fmt, json.dumps(out[fmt]), flush=True)
    json.dump(out, open(os.path.join(WORK, "energy.json"), "w"), indent=1)
    return out


# ---- worst-case switching (`synth.py switching`) ----
SWITCHING_FORMATS = ["int8", "int4", "fp8", "fp16", "bf16", "fp32"]


def run_switching(lanes=4, ncyc=512):
    """Datapath energy per MAC under a power virus (every operand bit toggles every cycle) and under
    uniformly random bits, over the Gaussian operands the model's MAC energies come from: the
    factor a thermal-design (rated) power applies to MAC energy. Same netlists, window and energy
    accounting as `energy`."""
    lib = lib_power()
    out = {}
    for fmt in SWITCHING_FORMATS:
        r = synth(f"{fmt}_L{lanes}", module_of(fmt), {"LANES": lanes})
        gl = r["netlist"]
        row = {"lanes": lanes}
        for kind in ("gauss", "bits", "virus"):
            pre = os.path.join(WORK, f"sw_{fmt}_{kind}")
            A, B = stimulus(fmt, lanes, ncyc, kind, 11)
            per_mac, _, bad, _ = gate_level_energy(fmt, lanes, gl, pre, A, B, lib)
            row[kind] = {"mismatches": len(bad), "datapath_pj": round(per_mac["datapath"], 5),
                         "total_pj": round(per_mac["total"], 5)}
        row["virus_over_gauss"] = round(row["virus"]["datapath_pj"] / row["gauss"]["datapath_pj"], 3)
        row["bits_over_gauss"] = round(row["bits"]["datapath_pj"] / row["gauss"]["datapath_pj"], 3)
        out[fmt] = row
        print(fmt, json.dumps(row), flush=True)
    json.dump(out, open(os.path.join(HERE, "switching.json"), "w"), indent=1)
    return out


# ---- timing-driven mapping (`synth.py timed`) ----
# The lanes are register -> logic -> register, so the combinational budget ABC gets is the clock
# period minus the register overhead: DFFHQNx1 CLK->QN (~57 ps at 20 ps slew / 1.44 fF) + the INVx1
# Yosys puts on QN (~12 ps) + setup (~10 ps) = REG_OVERHEAD_PS. No clock skew/uncertainty, no
# wire load. ABC's `stime -p` (with the constraint file below) reports the mapped critical delay.
REG_OVERHEAD_PS = 80
TIMED_PERIODS = [1000, 500]
TIMED_RUNS = [("int8", 4), ("bf16", 4), ("fp16", 4), ("fp32", 1)]
CONSTR = "set_driving_cell BUFx2_ASAP7_75t_R\nset_load 1.44\n"     # fF: ~2 flop D pins + wire
# ABC's default -liberty script (`help abc`) with `stime -p` appended, for the untimed reference
UNTIMED_ABC = "+strash;&get,-n;&fraig,-x;&put;scorr;dc2;dretime;strash;&get,-n;&dch,-f;&nf;&put;stime,-p"
# "delay" flow: ABC delay-oriented restructuring (SOP balancing &if -g, &synch2, twice, after the
# OpenLane "speed" script) before the delay-targeted &nf, then buffering and gate sizing
DELAY_ABC = ("+strash;&get,-n;&fraig,-x;&put;scorr;dc2;strash;&get,-n;&st;&syn2;&if,-g,-K,6;&synch2;"
             "&nf,-D,{D};&put;&get,-n;&st;&if,-g,-K,6;&synch2;&dch;&nf,-D,{D};&put;buffer,-p;"
             "upsize,-D,{D};dnsize,-D,{D};stime,-p")


def timed_script(top, params, out, period, flow="abcD", rtl_files=None, synth_opts=""):
    chp = "".join(f"chparam -set {k} {v} {top}\n" for k, v in params.items())
    files = " ".join(rtl_files or RTL_FILES)
    constr = os.path.join(WORK, "timed.constr")
    if period is None:
        abc = f"abc -script {UNTIMED_ABC} -constr {constr} -liberty {LIB}"
    elif flow == "abcD":         # yosys's default ABC script with -D (the documented way)
        abc = f"abc -D {period - REG_OVERHEAD_PS} -constr {constr} -liberty {LIB}"
    else:
        D = period - REG_OVERHEAD_PS
        abc = f"abc -script {DELAY_ABC.replace('{D}', str(D))} -constr {constr} -liberty {LIB}"
    return f"""read_verilog {files}
{chp}synth -flatten{synth_opts} -top {top}
dfflibmap -liberty {LIB}
{abc}
opt_clean
tee -o {out}.stat stat -liberty {LIB}
"""


def run_timed():
    with open(os.path.join(WORK, "timed.constr"), "w") as f:
        f.write(CONSTR)
    res = []
    for fmt, L in TIMED_RUNS:
        for flow, period in [("untimed", None)] + [(fl, p) for fl in ("abcD", "delay") for p in TIMED_PERIODS]:
            name = f"timed_{fmt}_L{L}_{flow}{period or ''}"
            out = os.path.join(WORK, name)
            with open(out + ".ys", "w") as f:
                f.write(timed_script(module_of(fmt), {"LANES": L}, out, period, flow))
            t0 = time.time()
            sh(f"yosys -q -l {out}.log {out}.ys > /dev/null 2> {out}.err")
            dt = time.time() - t0
            st = open(out + ".stat").read()
            area = float(re.search(r"Chip area for module .*?: ([\d.]+)", st).group(1))
            delays = [float(x) for x in re.findall(r"Delay =\s+([\d.]+) ps", open(out + ".log").read())]
            d = max(delays)            # one ABC call (flattened design); max to be safe
            r = {"fmt": fmt, "lanes": L, "flow": flow, "period_ps": period,
                 "abc_target_ps": None if period is None else period - REG_OVERHEAD_PS,
                 "area_um2": area, "area_um2_per_lane": round(area / L, 2),
                 "nand2_eq_per_lane": round(area / L / 0.05832, 0),
                 "comb_delay_ps": d, "cycle_ps": round(d + REG_OVERHEAD_PS, 1),
                 "met": None if period is None else d + REG_OVERHEAD_PS <= period + 0.5,
                 "synth_s": round(dt, 1)}
            res.append(r)
            print(json.dumps(r), flush=True)
            json.dump(res, open(os.path.join(WORK, "timed.json"), "w"), indent=1)
    return res


# ---- the generated vector unit's integer lanes, one stage against two (`synth.py stages`) ----
# mf_vector_unit as meshforge rtl emits it (src/rtl/verilog), int8 and int4, with INT_STAGES 1 and
# 2, mapped with the delay flow at a 500 ps period (2 GHz): is the two-stage lane's critical path
# what the cost model's lane_stages assumes (one synthesised path cut in two)?
STAGE_RUNS = [(16, "int8"), (32, "int4")]     # FORMATS bit mask, name
VU_FILES = [os.path.join(SRC_RTL, f) for f in ("mf_vector_unit.v", "mf_vu_format.v", "mf_vu_lane_int.v",
                                                 "mf_vu_lane_fp.v", "mf_fma.v", "mf_vu_acc_int.v",
                                                 "mf_fma_pipe.v", "mf_pipe_reg.v", "mf_vu_delay.v",
                                                 "mf_vu_sum_fp.v")]


def synth_vu_timed(name, params, period, synth_opts=""):
    """mf_vector_unit at `params`, delay flow at `period`: area, flops, critical path."""
    out = os.path.join(WORK, name)
    with open(out + ".ys", "w") as f:
        f.write(timed_script("mf_vector_unit", params, out, period, "delay", VU_FILES, synth_opts))
    t0 = time.time()
    sh(f"yosys -q -l {out}.log {out}.ys > /dev/null 2> {out}.err")
    st = open(out + ".stat").read()
    area = float(re.search(r"Chip area for module .*?: ([\d.]+)", st).group(1))
    flops = sum(int(n) for n in re.findall(r"DFFHQNx\d_ASAP7_75t_R\s+(\d+)", st))
    d = max(float(x) for x in re.findall(r"Delay =\s+([\d.]+) ps", open(out + ".log").read()))
    return {"period_ps": period, "area_um2": area, "flops": flops, "comb_delay_ps": d,
            "cycle_ps": round(d + REG_OVERHEAD_PS, 1), "met": d + REG_OVERHEAD_PS <= period + 0.5,
            "synth_s": round(time.time() - t0, 1)}


def timed_vu_sweep(configs, out_json, period, synth_opts=""):
    """Timing-driven synthesis of mf_vector_unit configurations: each (name, params, row fields)
    mapped at `period`; rows printed as they finish and written to WORK/out_json."""
    with open(os.path.join(WORK, "timed.constr"), "w") as f:
        f.write(CONSTR)
    res = []
    for name, params, fields in configs:
        r = {**fields, **synth_vu_timed(name, params, period, synth_opts)}
        res.append(r)
        print(json.dumps(r), flush=True)
    json.dump(res, open(os.path.join(WORK, out_json), "w"), indent=1)
    return res


def run_stages(vlen=64, rows=4, period=500):
    return timed_vu_sweep([(f"stages_{fmt}_v{vlen}_r{rows}_s{stages}",
                            {"VLEN": vlen, "ROWS": rows, "FORMATS": mask, "INT_STAGES": stages},
                            {"fmt": fmt, "vlen": vlen, "rows": rows, "int_stages": stages})
                           for mask, fmt in STAGE_RUNS for stages in (1, 2)], "stages.json", period)


# ---- the vector unit's floating-point lanes, FP_STAGES 1 against 4 (`synth.py fp_stages`) ----
# One fp16 lane (VLEN 16, ROWS 1) of mf_vector_unit as meshforge rtl emits it -- the chain, the
# partial accumulators, the reduction adder and the control -- mapped with the delay flow at a
# 500 ps period: does cutting the FMA at its phases bring the cycle to ~1/4 of the one-stage path?
# `synth -noshare`: Yosys 0.23's SAT-based resource sharing on a floating-point lane inside
# mf_vector_unit grows past 23 GB (FP_STAGES 1 and the RTL before FP_STAGES alike; one lane of one
# format has nothing to share).
def run_fp_stages(vlen=16, rows=1, period=500, mask=2, fmt="fp16"):
    return timed_vu_sweep([(f"fpstages_{fmt}_v{vlen}_r{rows}_s{stages}",
                            {"VLEN": vlen, "ROWS": rows, "FORMATS": mask, "FP_STAGES": stages},
                            {"fmt": fmt, "vlen": vlen, "rows": rows, "fp_stages": stages})
                           for stages in (1, 4)], "fp_stages.json", period, " -noshare")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["lib", "area", "verify", "energy", "switching", "timed", "stages", "fp_stages", "all"])
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    ensure_lib()
    if a.step in ("lib", "all"):
        c = lib_power()
        print({k: c[k] for k in (NAND2, DFF)})
    if a.step in ("area", "all"):
        run_area(a.quick)
    if a.step in ("verify", "all"):
        run_verify()
    if a.step in ("energy", "all"):
        run_energy()
    if a.step == "switching":      # not part of "all"; bench/synth/switching.json, data/microarch.yaml quotes it
        run_switching()
    if a.step == "timed":          # not part of "all"; results go to results.md/json via report.py
        run_timed()
    if a.step == "stages":         # not part of "all"; docs/rtl.md quotes its output
        run_stages()
    if a.step == "fp_stages":      # not part of "all"; docs/rtl.md quotes its output
        run_fp_stages()


if __name__ == "__main__":
    main()
