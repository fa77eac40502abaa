#!/usr/bin/python3
"""Gate-level energy of the synthesised mf_vector_unit (per MAC, per format) and mf_router (per
flit per hop), as bench/synth: iverilog with the ASAP7 cell models (zero-delay), a VCD of the
netlist's nets, 0<->1 toggles x Liberty internal energy (all pins, the flip-flops' CLK pins
included) + toggles x driven pin capacitance x V^2/2 (no wire capacitance), plus leakage.
Every gate-level run is checked against an RTL simulation of the same testbench (same outputs).
Called by `synth.py energy`; writes $RTL_SYNTH_WORK/energy.json.
"""
import json
import os
import random
import subprocess
import time
from fractions import Fraction

import synth as S

bs = S.bs
WORK = S.WORK
PERIOD_PS = 2000              # 2 ns clock (zero-delay simulation: the period only scales leakage per op)
VU_CYCLES = {"fp32": 120, "fp16": 200, "bf16": 200, "fp8": 300, "int8": 300, "int4": 300}
ROUTER_CYCLES = 600
WARM = 16                      # cycles skipped before the energy window

FP = {"fp32": (8, 23), "fp16": (5, 10), "bf16": (8, 7), "fp8": (4, 3)}


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def cell_models():
    d = os.path.join(S.PDK, "verilog")
    return " ".join(os.path.join(d, f) for f in sorted(os.listdir(d)))


def operand(fmt, rng):
    """Gaussian operands as bench/synth: fp N(0,1) rounded to the format; int8 round(N(0,32)),
    int4 round(N(0,2)), clipped (max-abs-quantised tensors)."""
    if fmt in FP:
        e, m = FP[fmt]
        return bs.fp_encode(Fraction(rng.gauss(0.0, 1.0)), e, m)
    w = S.FMT_BITS[fmt]
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    v = max(lo, min(hi, int(round(rng.gauss(0.0, 32.0 if w == 8 else 2.0)))))
    return v & ((1 << w) - 1)


VU_TB = """`timescale 1ns/10ps
module tb;
  reg clk = 1'b0, rst = 1'b1;
  reg in_valid = 1'b0;
  reg [1:0] in_op = 2'd0;
  reg [2:0] in_fmt = 3'd{fi};
  reg [{wb}-1:0] in_w = 0;
  reg [{xb}-1:0] in_x = 0;
  wire out_valid;
  wire [{ab}-1:0] acc_out;
  reg [{wb}-1:0] W [0:{n}-1];
  reg [{xb}-1:0] X [0:{n}-1];
  integer k, f;
  {dut}
  always #1 clk = ~clk;
  initial begin
    $readmemh("{pre}.w.hex", W);
    $readmemh("{pre}.x.hex", X);
    f = $fopen("{pre}.{kind}.out", "w");
{vcd}    @(negedge clk); @(negedge clk);
    rst = 1'b0;
    for (k = 0; k < {n}; k = k + 1) begin
      in_valid = 1'b1; in_op = (k == 0) ? 2'd1 : 2'd0; in_w = W[k]; in_x = X[k];
      @(negedge clk);
      $fwrite(f, "%h\\n", acc_out);
    end
    in_valid = 1'b0;
    @(negedge clk); $fwrite(f, "%h\\n", acc_out);
    @(negedge clk); $fwrite(f, "%h\\n", acc_out);
    $fclose(f);
    $finish;
  end
endmodule
"""


def vu_energy(fmt, lib):
    name = S.ENERGY_VU[fmt]
    c = S.BY_NAME[name]
    p = c[3]
    V, R = p["VLEN"], p["ROWS"]
    bits = S.FMT_BITS[fmt]
    lanes = V // bits
    n = VU_CYCLES[fmt]
    rng = random.Random(100 + S.FMT_NAMES.index(fmt))
    pre = os.path.join(WORK, f"e_{name}")
    with open(pre + ".w.hex", "w") as fw, open(pre + ".x.hex", "w") as fx:
        for _ in range(n):
            w = 0
            for i in range(R * lanes):
                w |= operand(fmt, rng) << (i * bits)
            x = 0
            for r in range(R):
                x |= operand(fmt, rng) << (r * 32)
            fw.write(format(w, "x") + "\n")
            fx.write(format(x, "x") + "\n")
    acc_lanes = lanes
    ports = ".clk(clk), .rst(rst), .in_valid(in_valid), .in_op(in_op), .in_fmt(in_fmt), .in_w(in_w), " \
            ".in_x(in_x), .out_valid(out_valid), .acc_out(acc_out)"
    out = {}
    for kind in ("rtl", "gate"):
        dut = (f"mf_vector_unit #(.VLEN({V}), .ROWS({R}), .FORMATS({p['FORMATS']})) dut ({ports});"
               if kind == "rtl" else f"mf_vector_unit dut ({ports});")
        vcd = f'    $dumpfile("{pre}.vcd"); $dumpvars(1, tb.dut);\n' if kind == "gate" else ""
        tb = VU_TB.format(fi=S.FMT_NAMES.index(fmt), wb=R * V, xb=R * 32, ab=acc_lanes * 32, n=n, pre=pre,
                          kind=kind, dut=dut, vcd=vcd)
        open(f"{pre}.{kind}.tb.v", "w").write(tb)
        files = " ".join(S.rtl_files()) if kind == "rtl" else f"{os.path.join(WORK, name)}.v {cell_models()}"
        t0 = time.time()
        sh(f"iverilog -g2005 -o {pre}.{kind}.vvp {pre}.{kind}.tb.v {files} 2> {pre}.{kind}.iverilog.log")
        sh(f"vvp -n {pre}.{kind}.vvp > {pre}.{kind}.simlog")
        out[kind + "_s"] = round(time.time() - t0, 1)
    rtl = open(pre + ".rtl.out").read().split()
    gate = open(pre + ".gate.out").read().split()
    mism = sum(1 for a, b in zip(rtl, gate) if a != b) + abs(len(rtl) - len(gate))
    # window: ops k = WARM .. n-1; op k is applied from the negedge after 2 + k cycles of reset/setup
    t0 = (2 * 2 + 1 + 2 * WARM) * 100            # 10 ps units (timescale 1ns/10ps)
    ncount = n - WARM - 2
    t1 = t0 + ncount * 200
    macs = ncount * lanes * R
    per_mac, leak_nw = bs.energy(os.path.join(WORK, name) + ".v", pre + ".vcd", t0, t1, macs, lib)
    os.remove(pre + ".vcd")
    res = {"config": name, "format": fmt, "lanes": lanes, "rows": R, "cycles": ncount, "macs": macs,
           "rtl_vs_gate_mismatches": mism, "compared_cycles": len(rtl),
           "pj_per_mac": {k: round(v, 5) for k, v in per_mac.items()},
           "leakage_nw_per_lane": round(leak_nw / lanes, 2), "leakage_nw": round(leak_nw, 1)}
    res.update(out)
    print(json.dumps(res), flush=True)
    return res


# ----------------------------------------------------------------------------- router
# Router (x, y) = (1, 1) of a 3 x 3 mesh, every port driven by the testbench: each input port is
# an upstream sender with per-VC credit counters (initialised to DEPTH, never sending without a
# credit), injecting 5-flit packets (head + 4 body/tail) with probability INJ per cycle when idle,
# on a random VC, to a random destination legal for XY routing from that input (no U-turns; from
# north/south only straight on or local). Payloads (body flits, head bits above 31) uniformly
# random. Every output port is a sink that returns one credit per flit the cycle after it arrives.
ROUTER_TB = """`timescale 1ns/10ps
module tb;
  localparam L = {L}, VCS = {VCS}, D = {D}, VCB = (VCS > 1) ? $clog2(VCS) : 1, N = {n};
  reg clk = 1'b0, rst = 1'b1;
  reg  [4:0] in_valid = 0, in_head = 0, in_tail = 0;
  reg  [5*VCB-1:0] in_vc = 0;
  reg  [5*L-1:0] in_data = 0;
  wire [5*VCS-1:0] in_credit;
  wire [4:0] out_valid, out_head, out_tail;
  wire [5*VCB-1:0] out_vc;
  wire [5*L-1:0] out_data;
  reg  [5*VCS-1:0] out_credit = 0;
  integer cred [0:5*VCS-1];
  integer left [0:4];          // flits left of the packet being sent on input p (0 = idle)
  integer pvc [0:4];
  reg [15:0] pdst [0:4];
  integer p, v, k, cyc, flits_in, flits_out, f, seed, r, o;
  reg [31:0] chk;
  {dut}
  always #1 clk = ~clk;
  function [15:0] dest; input integer o; begin
    case (o) 0: dest = {{8'd1, 8'd1}}; 1: dest = {{8'd0, 8'd1}}; 2: dest = {{8'd1, 8'd2}};
             3: dest = {{8'd2, 8'd1}}; default: dest = {{8'd1, 8'd0}}; endcase end endfunction
  initial begin
    seed = {seed};
    f = $fopen("{pre}.{kind}.out", "w");
    for (k = 0; k < 5*VCS; k = k + 1) cred[k] = D;
    for (p = 0; p < 5; p = p + 1) left[p] = 0;
    flits_in = 0; flits_out = 0; chk = 0;
{vcd}    @(negedge clk); @(negedge clk); rst = 1'b0;
    for (cyc = 0; cyc < N; cyc = cyc + 1) begin
      // credits returned by the router (sampled before the edge that follows)
      for (k = 0; k < 5*VCS; k = k + 1) if (in_credit[k]) cred[k] = cred[k] + 1;
      // sinks: one credit back per arriving flit, the next cycle
      out_credit = 0;
      for (p = 0; p < 5; p = p + 1) if (out_valid[p]) begin
        out_credit[p*VCS + ((VCS > 1) ? out_vc[p*VCB +: VCB] : 0)] = 1'b1;
        flits_out = flits_out + 1;
        chk = {{chk[30:0], chk[31]}} ^ out_data[p*L +: 32] ^ (p << 28);
      end
      for (p = 0; p < 5; p = p + 1) begin
        in_valid[p] = 1'b0; in_head[p] = 1'b0; in_tail[p] = 1'b0;
        if (left[p] == 0 && ($random(seed) & 255) < {inj}) begin
          // pick an output legal under XY from input p
          r = $random(seed) & 32'h7fffffff;
          case (p)
            0: o = 1 + r % 4;
            1: o = (r % 2) ? 3 : 0;           // from north: south or local
            3: o = (r % 2) ? 1 : 0;           // from south: north or local
            2: o = (r % 4 == 0) ? 0 : (r % 4 == 1) ? 1 : (r % 4 == 2) ? 3 : 4;
            default: o = (r % 4 == 0) ? 0 : (r % 4 == 1) ? 1 : (r % 4 == 2) ? 3 : 2;
          endcase
          left[p] = 5; pvc[p] = (VCS > 1) ? (($random(seed) & 32'h7fffffff) % VCS) : 0; pdst[p] = dest(o);
        end
        if (left[p] > 0 && cred[p*VCS + pvc[p]] > 0) begin
          in_valid[p] = 1'b1;
          in_head[p] = (left[p] == 5);
          in_tail[p] = (left[p] == 1);
          if (VCS > 1) in_vc[p*VCB +: VCB] = pvc[p];
          for (k = 0; k < L; k = k + 32) in_data[p*L + k +: 32] = $random(seed);
          if (left[p] == 5) in_data[p*L +: 32] = {{16'd0, pdst[p]}};
          cred[p*VCS + pvc[p]] = cred[p*VCS + pvc[p]] - 1;
          left[p] = left[p] - 1;
          flits_in = flits_in + 1;
        end
      end
      if (cyc == {w0}) $fwrite(f, "window_start %0d %0d\\n", flits_in, flits_out);
      if (cyc == {w1}) $fwrite(f, "window_end %0d %0d\\n", flits_in, flits_out);
      @(negedge clk);
    end
    $fwrite(f, "total %0d %0d %h\\n", flits_in, flits_out, chk);
    $fclose(f);
    $finish;
  end
endmodule
"""


def router_energy(name, inj, lib, tag):
    c = S.BY_NAME[name]
    p = c[3]
    L, VCS, D = p["LINK_BITS"], p["VCS"], p["DEPTH"]
    n = ROUTER_CYCLES
    pre = os.path.join(WORK, f"e_{name}_{tag}")
    w0, w1 = WARM + 40, n - 10
    ports = ".clk(clk), .rst(rst), .my_x(8'd1), .my_y(8'd1), .in_valid(in_valid), .in_head(in_head), " \
            ".in_tail(in_tail), .in_vc(in_vc), .in_data(in_data), .in_credit(in_credit), .out_valid(out_valid), " \
            ".out_head(out_head), .out_tail(out_tail), .out_vc(out_vc), .out_data(out_data), .out_credit(out_credit)"
    out = {}
    for kind in ("rtl", "gate"):
        dut = (f"mf_router #(.LINK_BITS({L}), .VCS({VCS}), .DEPTH({D}), .ROUTING({p['ROUTING']})) dut ({ports});"
               if kind == "rtl" else f"mf_router dut ({ports});")
        vcd = f'    $dumpfile("{pre}.vcd"); $dumpvars(1, tb.dut);\n' if kind == "gate" else ""
        tb = ROUTER_TB.format(L=L, VCS=VCS, D=D, n=n, dut=dut, pre=pre, kind=kind, vcd=vcd, seed=7, inj=inj,
                              w0=w0, w1=w1)
        open(f"{pre}.{kind}.tb.v", "w").write(tb)
        files = " ".join(S.rtl_files()) if kind == "rtl" else f"{os.path.join(WORK, name)}.v {cell_models()}"
        t0 = time.time()
        sh(f"iverilog -g2005 -o {pre}.{kind}.vvp {pre}.{kind}.tb.v {files} 2> {pre}.{kind}.iverilog.log")
        sh(f"vvp -n {pre}.{kind}.vvp > {pre}.{kind}.simlog")
        out[kind + "_s"] = round(time.time() - t0, 1)
    rtl = open(pre + ".rtl.out").read()
    gate = open(pre + ".gate.out").read()
    ws = {l.split()[0]: [x for x in l.split()[1:]] for l in gate.splitlines()}
    flits_out = int(ws["window_end"][1]) - int(ws["window_start"][1])
    cycles = w1 - w0
    # cycle index c starts at negedge (2 + c) -> time (2*2 + 1 + 2c) ns; VCD in 10 ps units
    t0 = (2 * 2 + 1 + 2 * (w0 + 1)) * 100
    t1 = t0 + cycles * 200
    per, leak_nw = bs.energy(os.path.join(WORK, name) + ".v", pre + ".vcd", t0, t1, 1, lib)
    os.remove(pre + ".vcd")
    tot = {k: v for k, v in per.items()}      # pJ in the window (macs = 1)
    res = {"config": name, "link_bits": L, "vcs": VCS, "depth": D, "injection_per_cycle_per_port": round(inj / 256, 3),
           "cycles": cycles, "flits_out": flits_out, "flits_per_cycle": round(flits_out / cycles, 3),
           "rtl_equals_gate": rtl == gate, "pj_window": {k: round(v, 4) for k, v in tot.items()},
           "leakage_nw": round(leak_nw, 1)}
    if flits_out:
        res["pj_per_flit"] = {k: round(v / flits_out, 5) for k, v in tot.items()}
        res["pj_per_bit"] = {k: round(v / flits_out / L, 6) for k, v in tot.items()}
    res["pj_per_cycle"] = {k: round(v / cycles, 5) for k, v in tot.items()}
    res.update(out)
    print(json.dumps(res), flush=True)
    return res


def run_vu_when_ready(formats, poll=20):
    """Simulate each format's unit as soon as its netlist is written (used while synthesis runs)."""
    lib = bs.lib_power()
    path = os.path.join(WORK, "energy_vu.json")
    res = json.load(open(path)) if os.path.exists(path) else {}
    todo = [f for f in formats if f not in res]
    while todo:
        for f in list(todo):
            n = os.path.join(WORK, S.ENERGY_VU[f])
            if os.path.exists(n + ".done") and os.path.exists(n + ".v"):
                res[f] = vu_energy(f, lib)
                json.dump(res, open(path, "w"), indent=1)
                todo.remove(f)
        if todo:
            time.sleep(poll)
    return res


def run_energy(which="all"):
    lib = bs.lib_power()
    path = os.path.join(WORK, "energy.json")
    res = json.load(open(path)) if os.path.exists(path) else {"vector_unit": {}, "router": {}}
    if which in ("all", "router"):
        for name in S.ENERGY_ROUTERS:
            for tag, inj in (("load", 64), ("idle", 0)):
                if os.path.exists(os.path.join(WORK, name + ".v")):
                    res["router"][f"{name}_{tag}"] = router_energy(name, inj, lib, tag)
                    json.dump(res, open(path, "w"), indent=1)
    if which in ("all", "vu"):
        for fmt in S.FMT_NAMES:
            if os.path.exists(os.path.join(WORK, S.ENERGY_VU[fmt] + ".v")):
                res["vector_unit"][fmt] = vu_energy(fmt, lib)
                json.dump(res, open(path, "w"), indent=1)
    if which == "merge":      # results of run_vu_when_ready
        p = os.path.join(WORK, "energy_vu.json")
        if os.path.exists(p):
            res["vector_unit"].update(json.load(open(p)))
            json.dump(res, open(path, "w"), indent=1)
    return res
