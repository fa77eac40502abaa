#!/usr/bin/python3
"""Fits, tables and results.{json,md} of bench/rtl_synth from $RTL_SYNTH_WORK/{area,model,energy}.json.

Fits (numpy least squares) on a fixed half of the configurations of each component (every other
one in synth.py's CONFIGS order, first included), held-out R^2 and |error| on the other half.
"""
import json
import os
import re
import statistics

import numpy as np
import yaml

import synth as S

HERE = S.HERE
WORK = S.WORK
NAND2_ASAP7 = 0.05832          # um2, NAND2xp33_ASAP7_75t_R (bench/synth's NAND2-equivalent)
VDD_LIB = 0.7                  # V, the library corner
MD = os.path.join(HERE, "results.md")


def load_yaml(p):
    return yaml.safe_load(open(os.path.join(S.ROOT, p)))


def val(x):
    return x["value"] if isinstance(x, dict) else x


MICRO = load_yaml("data/microarch.yaml")
UNCORE = load_yaml("data/uncore.yaml")
NODE = load_yaml("data/nodes/7nm.yaml")
NAND2_NODE = val(NODE["nand2_area_um2"])                      # 0.05934 um2: the model's gate area
MAC_GATES = {k: val(v) for k, v in MICRO["mac_gates"].items()}
RF_GPB = val(MICRO["vector_register_file_gates_per_bit"])
NREG = val(MICRO["vector_registers"])
VDD_NODE = val(NODE["vdd_nominal"])
MAC_PJ = {k: val(v) for k, v in NODE["mac_energy_pj"].items()}
ROUTER_PJ_BIT = val(NODE["router_energy_pj_per_bit"])
WIRE_PJ_BIT_MM = val(NODE["wire_energy_pj_per_bit_mm"])
R_KBIT = val(NODE["router_area_mm2_per_kbit_buffer"])
R_XBAR = val(NODE["crossbar_area_mm2_per_port2_bit"])
# bench/synth's untimed per-lane NAND2-eq (the "Untimed:" part of each mac_gates source string)
UNTIMED = {"int8": 1062, "int4": 347, "fp8": 1084, "bf16": 2500, "fp16": 2858, "fp32": 7966}


def nand2(um2):
    return um2 / NAND2_ASAP7


def split(rows):
    """Fixed split: every other configuration of a component in synth.py's CONFIGS order (the first
    to train), by its position in CONFIGS, whatever has been synthesised."""
    comp = rows[0]["component"] if rows else None
    pos = {c[0]: i for i, c in enumerate(c for c in S.CONFIGS if c[1] == comp)}
    return [r for r in rows if pos[r["name"]] % 2 == 0], [r for r in rows if pos[r["name"]] % 2 == 1]


def fit(train, test, feats, names):
    A = np.array([feats(r) for r in train], float)
    y = np.array([nand2(r["area_um2"]) for r in train])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)

    def pred(r):
        return float(np.dot(coef, feats(r)))

    def stats(rows):
        yy = np.array([nand2(r["area_um2"]) for r in rows])
        pp = np.array([pred(r) for r in rows])
        ss = float(np.sum((yy - pp) ** 2))
        st = float(np.sum((yy - yy.mean()) ** 2))
        err = [abs(p / t - 1) for p, t in zip(pp, yy)]
        return {"r2": 1 - ss / st if st > 0 else float("nan"), "median_abs_err": statistics.median(err),
                "max_abs_err": max(err), "n": len(rows)}
    return {"coef": dict(zip(names, [float(c) for c in coef])), "train": stats(train), "test": stats(test),
            "pred": {r["name"]: pred(r) for r in train + test}}


# ----------------------------------------------------------------------------- features
def router_feats_model(r):
    p = r["params"]
    return [5 * p["VCS"] * p["DEPTH"] * p["LINK_BITS"], 25 * p["LINK_BITS"]]


def router_feats_ext(r):
    p = r["params"]
    return [5 * p["VCS"] * p["DEPTH"] * p["LINK_BITS"], 25 * p["LINK_BITS"], 5 * p["VCS"], 1.0]


def vu_lanes(p, f):
    return p["VLEN"] // S.FMT_BITS[f]


def vu_acc_lanes(p):
    return max(vu_lanes(p, f) for f in S.fnames(p["FORMATS"]))


ACC_BITS = {"fp32": 32, "fp16": 32, "bf16": 32, "fp8": 16, "int8": 32, "int4": 16}


def vu_acc_bits(p):
    """Accumulator bits the netlist keeps: lane l's 32-bit register holds the widest accumulator of
    the formats that have a lane l (int4 -> int16 and fp8 -> fp16 accumulators are sign/zero-
    extended to 32 bits, and Yosys merges or removes the extension flops)."""
    fs = S.fnames(p["FORMATS"])
    return sum(max(ACC_BITS[f] for f in fs if l < vu_lanes(p, f)) for l in range(vu_acc_lanes(p)))


def vu_feats(r):
    p = r["params"]
    fs = S.fnames(p["FORMATS"])
    return [vu_lanes(p, f) * p["ROWS"] if f in fs else 0 for f in S.FMT_NAMES] + [vu_acc_bits(p)]


VU_NAMES = [f"{f}_per_lane_row" for f in S.FMT_NAMES] + ["per_accumulator_bit"]


# ----------------------------------------------------------------------------- model side
def model_vu_lanes_mm2(p):
    """The model's MAC-lane part of its vector term (build_classes: VLEN x gates per VLEN bit of all
    rows, a lane at R rows = mac_gates x (1 + mac_row_fraction x (R - 1)); the costliest format plus
    mac_format_sharing of each further one) -- no register file."""
    fs = S.fnames(p["FORMATS"])
    rows = p["ROWS"]
    per_bit = [MAC_GATES[f] * (1 + val(MICRO["mac_row_fraction"][f]) * (rows - 1)) / S.FMT_BITS[f] for f in fs]
    g = max(per_bit) + val(MICRO["mac_format_sharing"]) * (sum(per_bit) - max(per_bit))
    return p["VLEN"] * g * NAND2_NODE * 1e-6


def model_rf_mm2(p):
    return NREG * p["VLEN"] * RF_GPB * NAND2_NODE * 1e-6


def main():
    area = {r["name"]: r for r in json.load(open(os.path.join(WORK, "area.json")))}
    model = json.load(open(os.path.join(WORK, "model.json"))) if os.path.exists(os.path.join(WORK, "model.json")) else {}
    energy = json.load(open(os.path.join(WORK, "energy.json"))) if os.path.exists(os.path.join(WORK, "energy.json")) else {}
    rows = [area[c[0]] for c in S.CONFIGS if c[0] in area]
    by = {comp: [r for r in rows if r["component"] == comp] for comp in ("router", "vector_unit", "core", "tile", "ni")}
    out = {"configs": rows, "model_cells_mm2": model, "energy": energy, "fits": {}}

    # ---- router
    rr = by["router"]
    if len(rr) >= 4:
        tr, te = split(rr)
        out["fits"]["router_model_form"] = fit(tr, te, router_feats_model, ["nand2_per_buffer_bit", "nand2_per_port2_bit"])
        out["fits"]["router_extended"] = fit(tr, te, router_feats_ext,
                                             ["nand2_per_buffer_bit", "nand2_per_port2_bit", "nand2_per_port_vc", "fixed"])
    vv = by["vector_unit"]
    if len(vv) >= 8:
        tr, te = split(vv)
        out["fits"]["vector_unit"] = fit(tr, te, vu_feats, VU_NAMES)
    json.dump(out, open(os.path.join(HERE, "results.json"), "w"), indent=1)
    write_md(out, by, model, energy)


def f1(x, d=1):
    return f"{x:,.{d}f}"


def write_md(out, by, model, energy):
    areas = {r["name"]: r["area_um2"] for r in out["configs"]}

    def out_area(name):
        return areas.get(name, float("nan"))
    L = []
    A = L.append
    A("<!-- AUTO: bench/rtl_synth/report.py -->")
    # ---------- area per component
    A("### Area per configuration: Yosys cell area vs the model's cell area (7 nm, before floorplan whitespace)\n")
    A("NAND2-eq = cell area / 0.05832 um2 (ASAP7 NAND2xp33), as bench/synth and data/microarch.yaml's mac_gates. "
      "Model um2 = the block's `model_cells_mm2` in `meshforge rtl`'s floorplan.json (gates x nand2_area_um2 "
      "0.05934) or, where marked, its like-for-like part. ratio = synthesis / model.\n")
    A("| component | configuration | cells | flops | area um2 | NAND2-eq | synth s | model um2 (block) | model um2 (like for like) | ratio (like for like) |")
    A("|---|---|---|---|---|---|---|---|---|---|")
    for comp in ("router", "vector_unit", "core", "ni", "tile"):
        for r in by[comp]:
            p = r["params"]
            m = model.get(r["name"], {})
            blk, like = "", ""
            if comp == "router" and m:
                blk = m.get("router", 0) * 1e6
                like = blk
            elif comp == "vector_unit":
                # the floorplan's value, or (where meshforge refuses the design, e.g. int4-only
                # with odd mac_rows) the same formula evaluated here: lanes + register file
                blk = m["vector_unit"] * 1e6 if "vector_unit" in m else (model_vu_lanes_mm2(p) + model_rf_mm2(p)) * 1e6
                like = model_vu_lanes_mm2(p) * 1e6        # lanes only (the RTL has no vector register file)
            elif comp == "core" and m:
                blk = m.get("core", 0) * 1e6
                like = blk
            elif comp == "tile" and m:
                blk = (m.get("core", 0) + m.get("control", 0) + m.get("vector_unit", 0)) * 1e6
                like = (m.get("core", 0) + model_vu_lanes_mm2(p)) * 1e6
            ratio = f"{r['area_um2'] / like:.2f}" if like else "-"
            A(f"| {comp} | `{r['name']}` | {r['cells']:,} | {r['flops']:,} | {f1(r['area_um2'])} | {nand2(r['area_um2']):,.0f} | "
              f"{r['synth_s']} | {f1(blk) if blk != '' else '-'} | {f1(like) if like != '' else '-'} | {ratio} |")
    A("")
    A("Like for like: router = the model's whole router term; vector unit = the model's MAC-lane part "
      "(VLEN x rows x gates per VLEN bit), without its 32 x VLEN x 12.72 NAND2-eq vector register file, "
      "which the RTL does not have; core = scalar_core_gates x fetch^1.5; tile = core + MAC lanes (the "
      "model's control term, 100k NAND2-eq DMA/AGU/sequencer + SFU + scratchpad crossbar, has no RTL "
      "counterpart beyond the sequencer, see below; the NI has no model term).\n")
    # ---------- tile decomposition
    if by["tile"]:
        A("### Tile decomposition: tile - core - vector unit - NI = sequencer (the RTL's \"control\")\n")
        A("| tile | tile um2 | core | vector unit | NI | sequencer um2 | sequencer NAND2-eq | model control NAND2-eq (block) |")
        A("|---|---|---|---|---|---|---|---|")
        area = {r["name"]: r for r in out["configs"]}
        for r in by["tile"]:
            p = r["params"]
            vu = area.get(S.vu(p["VLEN"], p["ROWS"], *S.fnames(p["FORMATS"]))[0])
            ni = area.get(S.ni(p["LINK_BITS"], p["VCS"], p["DEPTH"])[0])
            core = area.get("core")
            if not (vu and ni and core):
                continue
            seq = r["area_um2"] - vu["area_um2"] - ni["area_um2"] - core["area_um2"]
            m = model.get(r["name"], {})
            A(f"| `{r['name']}` | {f1(r['area_um2'])} | {f1(core['area_um2'])} | {f1(vu['area_um2'])} | {f1(ni['area_um2'])} | "
              f"{f1(seq)} | {nand2(seq):,.0f} | {m.get('control', 0) * 1e6 / NAND2_NODE:,.0f} |")
            r["sequencer_um2"] = seq
        A("")
    # ---------- fits
    A("### Fitted gate counts (least squares on the training half; R^2 and |error| on the held-out half)\n")
    A("| component | form | fitted constants (NAND2-eq) | train n / R^2 / median abs err | held-out n / R^2 / median abs err / max |")
    A("|---|---|---|---|---|")
    for key, form in (("router_model_form", "a x buffer bits + b x ports^2 x link bits (the model's form)"),
                      ("router_extended", "+ c x ports x VCs + d"),
                      ("vector_unit", "sum_f g_f x lanes_f x ROWS + h x accumulator bits")):
        if key not in out["fits"]:
            continue
        fr = out["fits"][key]
        cs = ", ".join(f"{k} {v:,.2f}" for k, v in fr["coef"].items())
        tr, te = fr["train"], fr["test"]
        A(f"| {key.split('_')[0]} | {form} | {cs} | {tr['n']} / {tr['r2']:.3f} / {100 * tr['median_abs_err']:.1f}% | "
          f"{te['n']} / {te['r2']:.3f} / {100 * te['median_abs_err']:.1f}% / {100 * te['max_abs_err']:.1f}% |")
    A("")
    for key in ("router_model_form", "vector_unit"):
        if key not in out["fits"]:
            continue
        fr = out["fits"][key]
        comp = "router" if key.startswith("router") else "vector_unit"
        tr_names = {r["name"] for r in split(by[comp])[0]}
        A(f"Predictions of `{key}` (NAND2-eq): " + "; ".join(
            f"`{r['name']}`{'' if r['name'] in tr_names else ' (held out)'} {nand2(r['area_um2']):,.0f} vs "
            f"{fr['pred'][r['name']]:,.0f}" for r in by[comp]) + "\n")
    # ---------- energy
    ev = energy.get("vector_unit", {})
    if ev:
        A("### Energy per MAC (vector unit, VLEN 128, ROWS 1, one format; Gaussian operands; 0.7 V)\n")
        A("| format | lanes | cycles | RTL = netlist | datapath pJ/MAC | + registers and clock pins | "
          "of which flop internal (CLK) / clock net | leakage nW/lane | model mac_energy_pj at 0.7 V | datapath / model | sim s |")
        A("|---|---|---|---|---|---|---|---|---|---|---|")
        for f in S.FMT_NAMES:
            e = ev.get(f)
            if not e:
                continue
            pm = e["pj_per_mac"]
            mod = MAC_PJ[f] * (VDD_LIB / VDD_NODE) ** 2
            A(f"| {f} | {e['lanes']} | {e['cycles']} | {'yes' if e['rtl_vs_gate_mismatches'] == 0 else 'NO (' + str(e['rtl_vs_gate_mismatches']) + ')'} | "
              f"**{pm['datapath']:.4f}** | {pm['total']:.4f} | {pm['flop_internal']:.4f} / {pm['clock_net']:.4f} | "
              f"{e['leakage_nw_per_lane']} | {mod:.4f} | {pm['datapath'] / mod:.2f} | {e['gate_s']} |")
        A("")
    er = energy.get("router", {})
    if er:
        A("### Energy per flit per router hop (router at (1,1), all 5 ports loaded, random payloads; 0.7 V)\n")
        A("| router | offered load | flits out / cycle | RTL = netlist | datapath pJ/flit | total pJ/flit (incl. flops, CLK pins) | "
          "idle floor pJ/cycle (clock) | **incremental pJ/flit** (total - idle) | incremental pJ/bit-hop | datapath pJ/bit-hop | "
          "model router_energy_pj_per_bit at 0.7 V | incremental / model |")
        A("|---|---|---|---|---|---|---|---|---|---|---|---|")
        CLK = val(NODE["clock_energy_pj_per_mm2_cycle"]) * (VDD_LIB / VDD_NODE) ** 2
        for k, e in er.items():
            if not k.endswith("_load"):
                continue
            idle = er.get(k[:-5] + "_idle")
            pf = e["pj_per_flit"]
            mod = ROUTER_PJ_BIT * (VDD_LIB / VDD_NODE) ** 2
            if idle:
                idle_c = idle["pj_per_cycle"]["total"]
                inc = (e["pj_per_cycle"]["total"] - idle_c) * e["cycles"] / e["flits_out"]
            else:
                idle_c, inc = float("nan"), float("nan")
            e["incremental_pj_per_flit"] = inc
            e["incremental_pj_per_bit"] = inc / e["link_bits"]
            A(f"| `{e['config']}` | {e['injection_per_cycle_per_port']} pkt/cycle/port | {e['flits_per_cycle']} | "
              f"{'yes' if e['rtl_equals_gate'] else 'NO'} | {pf['datapath']:.4f} | {pf['total']:.4f} | {idle_c:.3f} | "
              f"**{inc:.4f}** | {inc / e['link_bits']:.5f} | {e['pj_per_bit']['datapath']:.5f} | {mod:.5f} | "
              f"{inc / e['link_bits'] / mod:.2f} |")
        A("")
        A("Idle floor vs the model's clock term: " + "; ".join(
            f"`{k[:-5]}` {e['pj_per_cycle']['total']:.2f} pJ/cycle measured vs "
            f"{CLK * out_area(k[:-5]) / val(MICRO['floorplan_utilisation']) * 1e-6:.3f} pJ/cycle from "
            f"clock_energy_pj_per_mm2_cycle x the router's placed area (x{e['pj_per_cycle']['total'] / (CLK * out_area(k[:-5]) / val(MICRO['floorplan_utilisation']) * 1e-6):.0f})"
            for k, e in er.items() if k.endswith("_idle")) + "\n")
    A("<!-- /AUTO -->")
    txt = open(MD).read() if os.path.exists(MD) else "<!-- AUTO -->\n<!-- /AUTO -->\n"
    new = re.sub(r"<!-- AUTO.*?<!-- /AUTO -->", lambda m: "\n".join(L), txt, flags=re.S)
    if "<!-- AUTO" not in txt:
        new = txt + "\n" + "\n".join(L) + "\n"
    open(MD, "w").write(new)
    json.dump(out, open(os.path.join(HERE, "results.json"), "w"), indent=1)
    print("\n".join(L))


if __name__ == "__main__":
    main()
