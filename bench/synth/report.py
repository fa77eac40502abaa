#!/usr/bin/python3
"""Collects $SYNTH_WORK/{area,verify,energy}.json into bench/synth/results.json and the tables of
bench/synth/results.md (between the AUTO markers; the prose around them is hand-written)."""
import json
import os
import re

import synth as S

HERE = S.HERE
NODE_7NM = os.path.join(HERE, "..", "..", "data", "nodes", "7nm.yaml")
MICRO = os.path.join(HERE, "..", "..", "data", "microarch.yaml")
# data/microarch.yaml mac_gates before this bench replaced them (commit 4e0a861): the assumptions
MAC_GATES_BEFORE = {"fp32": 35000, "fp16": 13500, "bf16": 10500, "fp8": 4500, "int8": 3200, "int4": 1100}
REG_BITS = {}   # operand + accumulator register bits per lane
for f in S.FORMATS:
    iw, cw = S.io_widths(f)
    REG_BITS[f] = 2 * iw + cw


def fit(xs, ys):
    """Least-squares line y = a + b x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return my - b * mx, b


def yaml_value(path, key):
    txt = open(path).read()
    m = re.search(r"^\s*" + re.escape(key) + r":\s*\{value:\s*([0-9.eE+-]+)", txt, re.M)
    return float(m.group(1)) if m else None


def main():
    area = json.load(open(os.path.join(S.WORK, "area.json")))
    verify = json.load(open(os.path.join(S.WORK, "verify.json")))
    energy = json.load(open(os.path.join(S.WORK, "energy.json")))
    lib = S.lib_power()
    nand2 = lib[S.NAND2]["area"]
    dff = lib[S.DFF]["area"]
    ref = {r["name"]: r for r in area if r["name"].startswith("ref_")}
    vnom = yaml_value(NODE_7NM, "vdd_nominal") or 0.75
    vscale = (S.VDD / vnom) ** 2
    out = {"library": "ASAP7 asap7sc7p5t RVT TT 0.7 V 25 C (merged Liberty, /work/shared/pdk/asap7)",
           "tools": "Yosys 0.23 (synth -flatten; dfflibmap; abc -liberty; opt_clean), Icarus Verilog 11",
           "nand2_um2": nand2, "dff_um2": dff, "ref_dff_mapped_um2": ref["ref_dff"]["area_um2"],
           "formats": {}, "register_file": {}}
    mac_rows = []
    for f in S.FORMATS:
        rows = sorted([r for r in area if r.get("fmt") == f], key=lambda r: r["lanes"])
        a0, per_lane = fit([r["lanes"] for r in rows], [r["area_um2"] for r in rows])
        e = energy.get(f, {})
        pm = e.get("pj_per_mac", {})
        key = "fp8" if f.startswith("fp8") else f
        model_e = None
        m = re.search(r"^mac_energy_pj:\n((?:\s+.*\n)+?)\S", open(NODE_7NM).read(), re.M)
        if m:
            mm = re.search(r"^\s+" + key + r":\s*\{value:\s*([0-9.eE+-]+)", m.group(1), re.M)
            model_e = float(mm.group(1)) if mm else None
        gates_old = MAC_GATES_BEFORE[key]
        flops_lane = [r["cell_types"].get(S.DFF, 0) / r["lanes"] for r in rows]
        rec = {"description": S.ACC_DESC[f], "register_bits_per_lane": REG_BITS[f],
               "synth": [{k: r[k] for k in ("lanes", "cells", "area_um2", "synth_s")} for r in rows],
               "per_lane_um2": round(per_lane, 3), "fixed_um2": round(a0, 3),
               "per_lane_nand2_eq": round(per_lane / nand2, 1),
               "flops_per_lane": flops_lane[-1],
               "verify": verify.get(f, {}), "energy": e,
               "model_mac_energy_pj_at_0p75V": model_e,
               "model_mac_energy_pj_at_0p7V": round(model_e * vscale, 5) if model_e else None,
               "model_mac_gates": gates_old}
        out["formats"][f] = rec
        mac_rows.append((f, rec, rows))
    rf = sorted([r for r in area if "rf_width" in r], key=lambda r: r["rf_width"])
    bits = [32 * r["rf_width"] for r in rf]
    a0, per_bit = fit(bits, [r["area_um2"] for r in rf])
    out["register_file"] = {"entries": 32, "read_ports": 3, "write_ports": 1,
                            "synth": [{"width": r["rf_width"], "bits": 32 * r["rf_width"], "cells": r["cells"],
                                       "area_um2": r["area_um2"], "um2_per_bit": round(r["area_um2"] / (32 * r["rf_width"]), 4),
                                       "synth_s": r["synth_s"]} for r in rf],
                            "per_bit_um2": round(per_bit, 4), "fixed_um2": round(a0, 2),
                            "per_bit_nand2_eq": round(per_bit / nand2, 2),
                            "per_bit_vs_dffhqnx1": round(per_bit / dff, 2)}
    tj = os.path.join(S.WORK, "timed.json")            # `synth.py timed` (optional)
    timed = json.load(open(tj)) if os.path.exists(tj) else None
    if timed:
        base = {r["fmt"]: r["area_um2"] for r in timed if r["flow"] == "untimed"}
        for r in timed:
            r["ratio_vs_untimed"] = round(r["area_um2"] / base[r["fmt"]], 3)
        out["timed"] = {"reg_overhead_ps": S.REG_OVERHEAD_PS, "constr": S.CONSTR.strip().split("\n"),
                        "runs": timed}
    json.dump(out, open(os.path.join(HERE, "results.json"), "w"), indent=1)

    # ---- markdown tables
    L = []
    L.append("| format | datapath | lanes | cells | area um2 | NAND2-eq per lane (fit) | flops per lane | mac_gates before (assumed) | "
             "energy pJ/MAC datapath | + registers and clock pins | model pJ/MAC at 0.7 V |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for f, rec, rows in mac_rows:
        pm = rec["energy"].get("pj_per_mac", {})
        for i, r in enumerate(rows):
            first = i == 0
            L.append("| {} | {} | {} | {} | {:.1f} | {} | {} | {} | {} | {} | {} |".format(
                f if first else "", rec["description"] if first else "", r["lanes"], r["cells"], r["area_um2"],
                f"**{rec['per_lane_nand2_eq']:.0f}**" if first else "",
                f"{rec['flops_per_lane']:.0f}" if first else "",
                f"{rec['model_mac_gates']:.0f}" if first and rec["model_mac_gates"] else "",
                f"**{pm['datapath']:.4f}**" if first and pm else "",
                f"{pm['total']:.4f}" if first and pm else "",
                f"{rec['model_mac_energy_pj_at_0p7V']:.4f}" if first and rec["model_mac_energy_pj_at_0p7V"] else ""))
    L.append("")
    L.append("Energy detail (pJ per MAC, 4-lane netlist, Gaussian operands; leakage per lane):")
    L.append("")
    L.append("| format | comb. internal | comb. nets | flop-output nets | flop internal (incl. CLK pin) | clock net | operand input nets (excluded) | leakage nW/lane | cycles x lanes | sim s |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for f, rec, rows in mac_rows:
        e = rec["energy"]
        if not e:
            continue
        pm = e["pj_per_mac"]
        L.append(f"| {f} | {pm['comb_internal']:.4f} | {pm['comb_net']:.4f} | {pm['flop_net']:.4f} | {pm['flop_internal']:.4f} | "
                 f"{pm['clock_net']:.4f} | {pm['input_net']:.4f} | {e['leakage_nw_per_lane']:.1f} | {e['cycles']} x {e['lanes']} | {e['sim_s']} |")
    L.append("")
    L.append("Verification (bit-exact against the Python reference; MACs compared / mismatches):")
    L.append("")
    L.append("| format | RTL Gaussian | RTL random bits | RTL cancellation | 4-lane netlist random bits | 4-lane netlist Gaussian (energy run) |")
    L.append("|---|---|---|---|---|---|")
    for f, rec, rows in mac_rows:
        v = rec["verify"]
        def c(k):
            return f"{v[k]['macs']} / {v[k]['mismatches']}" if k in v else "-"
        e = rec["energy"]
        L.append(f"| {f} | {c('rtl_gauss')} | {c('rtl_bits')} | {c('rtl_cancel')} | {c('gate_bits')} | "
                 f"{(str(e['cycles'] * e['lanes']) + ' / ' + str(e['mismatches'])) if e else '-'} |")
    L.append("")
    rfo = out["register_file"]
    L.append("| register file 32 x W, 3R1W | bits | cells | area um2 | um2 per bit |")
    L.append("|---|---|---|---|---|")
    for r in rfo["synth"]:
        L.append(f"| W = {r['width']} | {r['bits']} | {r['cells']} | {r['area_um2']:.1f} | {r['um2_per_bit']:.4f} |")
    L.append("")
    L.append(f"Fit: **{rfo['per_bit_um2']:.4f} um2 per bit = {rfo['per_bit_nand2_eq']:.2f} NAND2-eq = "
             f"{rfo['per_bit_vs_dffhqnx1']:.2f} x a bare DFFHQNx1 ({dff} um2)**; fixed {rfo['fixed_um2']} um2.")
    tables = "\n".join(L)
    md = os.path.join(HERE, "results.md")
    txt = open(md).read() if os.path.exists(md) else "<!-- AUTO -->\n<!-- /AUTO -->\n"
    txt = re.sub(r"<!-- AUTO -->.*?<!-- /AUTO -->", "<!-- AUTO -->\n" + tables.replace("\\", "\\\\") + "\n<!-- /AUTO -->", txt, flags=re.S)
    if timed:
        T = ["| format | lanes | ABC flow | clock target ps | ABC comb. target ps | area um2 per lane | NAND2-eq per lane | "
             "critical path ps (comb. + 80) | met? | timed / untimed area |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in timed:
            met = "-" if r["met"] is None else ("yes" if r["met"] else "**no**")
            T.append(f"| {r['fmt']} | {r['lanes']} | {r['flow']} | {r['period_ps'] or '-'} | {r['abc_target_ps'] or '-'} | "
                     f"{r['area_um2_per_lane']:.1f} | {r['nand2_eq_per_lane']:.0f} | {r['cycle_ps']:.0f} | {met} | "
                     f"{r['ratio_vs_untimed']:.3f} |")
        txt = re.sub(r"<!-- TIMED -->.*?<!-- /TIMED -->", "<!-- TIMED -->\n" + "\n".join(T) + "\n<!-- /TIMED -->",
                     txt, flags=re.S)
    open(md, "w").write(txt)
    print(tables)


if __name__ == "__main__":
    main()
