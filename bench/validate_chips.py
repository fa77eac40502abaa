#!/usr/bin/env python3
"""Predicted vs published area, power and peak throughput of the chips in data/chips/published.yaml.

Run from the repository root after building:  /usr/bin/python3 bench/validate_chips.py [build/meshforge] [--check-fit]
Prints the markdown table that docs/validation.md quotes, then the median |error| of area, power and
peak throughput over the chips that publish the figure (figures marked doubtful or by_construction in
published.yaml are printed but left out of the medians).

Then the one calibration factor meshforge has, data/microarch.yaml `die_area_fit`: the median of
published / predicted die area over the chips whose area counts in the medians (a fit, named as one),
its in-sample error and its leave-one-out error (each chip predicted with the factor fitted on the
others). With --check-fit it exits non-zero when the data file's value is more than 2% from the fit
the current model gives (a model change that moves areas must re-fit it).

Each chip is described by data/designs/chips/<design>.yaml and runs Llama 3.1 8B prefill (batch 16 x
512 tokens) at the precision published.yaml gives: a GEMM-heavy load that keeps the MAC arrays busy,
like the published 'busy' power figures. Like for like: a power figure whose scope is `board` or
`system` is compared with the predicted power including the DRAM devices and interfaces
(power.dram); every other scope (die, chip_typical, chip_tdp) with the on-die power, which excludes
them.

The binary reads the node library from $MESHFORGE_DATA_DIR; unless it is set, this script points it
at ./data, the library the design files belong to.
"""
import json
import os
import statistics
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from meshforge_report import parse_bytes  # noqa: E402  (the report's reader of design byte sizes)

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
CHECK_FIT = "--check-fit" in sys.argv[1:]
BINARY = ARGS[0] if ARGS else "build/meshforge"
MICROARCH = "data/microarch.yaml"
FIT_TOLERANCE = 0.02
PUBLISHED = "data/chips/published.yaml"
INCLUDES_DRAM = {"board", "system"}
ON_DIE = {"die", "chip_typical", "chip_tdp"}


def evaluate(design, node, precision, model):
    env = dict(os.environ)
    env.setdefault("MESHFORGE_DATA_DIR", os.path.abspath("data"))
    out = subprocess.run(
        [BINARY, "evaluate", "--model", model, "--images", "0", "--batch", "16", "--seq", "512", "--phase", "prefill",
         "--precision", precision, "--node", node, "--design", f"data/designs/chips/{design}.yaml", "--json"],
        check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


# Transistor counts, a diagnostic of what a design leaves out (not in the medians): logic as
# NAND2-eq gates of 4 transistors (cell area / the node's placed NAND2), memories at the 8.75
# transistors per bit of AMD's 3D V-Cache die (4.7 B for 64 MiB, Wuu et al. ISSCC 2022 [D]:
# bitcells, periphery, ECC and redundancy).
SRAM_TRANSISTORS_PER_BIT = 4.7e9 / (64 * 2**20 * 8)
LOGIC_BLOCKS = ("cores", "control", "vector_units", "routers")


def predicted_transistors(r, design, node):
    with open(f"data/nodes/{node}.yaml") as f:
        nand2_um2 = yaml.safe_load(f)["nand2_area_um2"]["value"]
    with open("data/microarch.yaml") as f:
        utilisation = yaml.safe_load(f)["floorplan_utilisation"]["value"]
    with open(f"data/designs/chips/{design}.yaml") as f:
        d = yaml.safe_load(f)
    area = r["breakdown"]["area_mm2"]
    gates = sum(area[k] for k in LOGIC_BLOCKS) * utilisation / (nand2_um2 * 1e-6)
    tiles = [0] * len(d["tile_classes"])
    for row in d.get("class_map") or []:
        for ch in row:
            tiles[int(ch)] += 1
    if not d.get("class_map"):
        tiles[0] = d["mesh"]["rows"] * d["mesh"]["cols"]
    bits = sum(n * 8 * sum(parse_bytes(t.get(k, 0)) for k in ("imem_bytes", "wmem_bytes", "amem_bytes"))
               for n, t in zip(tiles, d["tile_classes"]))
    return 4 * gates + SRAM_TRANSISTORS_PER_BIT * bits, gates, bits


def rel_err(pred, pub):
    return (pred - pub) / pub


def err(pred, pub):
    return f"{100.0 * rel_err(pred, pub):+.0f}%"


def fmt(v, unit):
    for scale, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p")):
        if abs(v) >= scale:
            return f"{v / scale:.3g} {prefix}{unit}"
    return f"{v:.3g} {unit}"


def published_text(fig, unit, default):
    """How the table prints a published figure: its label (or default), '<=' / '~', tag, unit."""
    text = fig.get("label")
    if text is None:
        text = default
        if fig.get("bound") == "upper":
            text = "<= " + text
        elif fig.get("approx"):
            text = "~" + text
    text += f" [{fig['tag']}]"
    if fig.get("doubtful"):
        text += " (doubtful)"
    if fig.get("by_construction"):
        text += " (by construction)"
    return text + (f" {unit}" if unit else "")


def counts(fig):
    return not fig.get("doubtful") and not fig.get("by_construction")


def main():
    with open(PUBLISHED) as f:
        chips = yaml.safe_load(f)["chips"]

    rows = []
    errors = {"area": {}, "power": {}, "peak": {}, "idle power": {}}
    area_ratio = {}     # published / predicted area, over the figures that count: what die_area_fit fits
    # A rating (TDP, total board power, a system's supply) is a limit the chip is built to stay
    # under, not what it draws on a workload: the medians are also given for each kind alone.
    power_kind = {}
    for key, chip in chips.items():
        design = chip["design"]
        ev = chip["evaluate"]
        node = ev["node"]
        r = evaluate(design, node, ev["precision"], ev.get("model", "llama-3.1-8b"))
        power = r["prefill"]["power_w"]
        on_die = power - r["breakdown"]["power_w"]["dram"]

        area_fig = chip.get("area_mm2")
        if area_fig:
            tiles_only = area_fig.get("compare") == "tiles_only"
            area = r["area_mm2"]
            if tiles_only:
                area -= r["breakdown"]["area_mm2"]["phys"] + r["breakdown"]["area_mm2"]["io"]
            pub = float(area_fig["value"])
            rows.append((design, node, "area" + (" (tiles only)" if tiles_only else ""), f"{area:.4g} mm2",
                         published_text(area_fig, "mm2", f"{pub:g}"), err(area, pub)))
            if counts(area_fig):
                errors["area"][design] = rel_err(area, pub)
                area_ratio[design] = pub / area

        runs = r["prefill"].get("runs", True)
        model = ev.get("model", "llama-3.1-8b")
        power_fig = chip.get("power_w")
        if power_fig and not runs:
            rows.append((design, node, "power", f"-- ({model} has no home on this chip)",
                         published_text(power_fig, "", fmt(float(power_fig["value"]), "W")), "not compared"))
        elif power_fig:
            scope = power_fig["scope"]
            if scope not in INCLUDES_DRAM | ON_DIE:
                raise SystemExit(f"{PUBLISHED}: {key}.power_w.scope: unknown scope {scope!r}")
            with_dram = scope in INCLUDES_DRAM
            p = r.get("board_power_w", power) if with_dram else on_die
            pub = float(power_fig["value"])
            rows.append((design, node, "power" + (" of the board" if with_dram else " on die"), fmt(p, "W"),
                         published_text(power_fig, "", fmt(pub, "W")), err(p, pub)))
            if counts(power_fig):
                errors["power"][design] = rel_err(p, pub)
                power_kind[design] = "rating" if power_fig.get("rating") else "measured"

        idle_fig = chip.get("idle_power_w")
        if idle_fig:
            # powered, clocked, no work; on die (the HBM stacks' standby is not modelled)
            pub = float(idle_fig["value"])
            rows.append((design, node, "idle power on die", fmt(r["idle_power_w"], "W"),
                         published_text(idle_fig, "", fmt(pub, "W")), err(r["idle_power_w"], pub)))
            if counts(idle_fig):
                errors["idle power"][design] = rel_err(r["idle_power_w"], pub)

        energy_fig = chip.get("energy_per_op_j")
        if energy_fig and runs:
            ops = r["prefill"]["utilisation"] * r["peak_flops_per_s"]
            e = on_die / ops
            pub = float(energy_fig["value"])
            rows.append((design, node, "energy per op on die", fmt(e, "J"), published_text(energy_fig, "", fmt(pub, "J")),
                         err(e, pub)))

        peak_fig = (chip.get("peak_ops_per_s") or {}).get(ev.get("peak_format"))
        if peak_fig:
            pub = float(peak_fig["value"])
            peak = r["peak_flops_per_s"]
            rows.append((design, node, f"peak throughput ({ev['peak_format']})", fmt(peak, "op/s"),
                         published_text(peak_fig, "", fmt(pub, "op/s")), err(peak, pub)))
            if counts(peak_fig):
                errors["peak"][design] = rel_err(peak, pub)

        tr_fig = chip.get("transistors")
        if tr_fig:
            total, gates, bits = predicted_transistors(r, design, node)
            pub = float(tr_fig["value"])
            missing = (pub - total) / 4
            rows.append((design, node, "transistors (diagnostic)", f"{total / 1e9:.2f} B ({gates / 1e6:.0f} M gates, {bits / 1e6:.0f} Mbit)",
                         published_text(tr_fig, "", f"{pub / 1e9:g} B"),
                         err(total, pub) + (f"; {missing / 1e6:.0f} M NAND2-eq not declared" if missing > 0 else "")))

        context = f"{100 * r['prefill']['utilisation']:.0f}% / {r['prefill']['bottleneck']}"
        if not r["feasible"]:
            # Budget and reticle violations are expected for big chips; only say why when the model
            # itself does not fit (weights / KV cache spill with no DRAM to spill to).
            spills = sorted({v.split(":")[0] for v in r["violations"] if v.startswith(("weights", "kv_cache"))})
            if spills:
                context += " (" + ", ".join(spills) + " do not fit on chip)"
        rows.append((design, node, "(context) utilisation / bottleneck", context, "", ""))

    print("| chip | node | quantity | predicted | published | error |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")

    print()
    print("| quantity | chips | median abs(error) | median error |")
    print("|---|---|---|---|")
    for quantity, errs in errors.items():
        if not errs:
            continue
        values = list(errs.values())
        print(f"| {quantity} | {len(values)} ({', '.join(errs)}) | {100 * statistics.median(abs(e) for e in values):.0f}% "
              f"| {100 * statistics.median(values):+.0f}% |")
        if quantity == "power":
            for kind, label in (("measured", "power, measured figures (busy, typical)"), ("rating", "power, ratings (TDP, TBP, system)")):
                sub = {k: v for k, v in errs.items() if power_kind.get(k) == kind}
                if sub:
                    print(f"| {label} | {len(sub)} ({', '.join(sub)}) | {100 * statistics.median(abs(e) for e in sub.values()):.0f}% "
                          f"| {100 * statistics.median(sub.values()):+.0f}% |")

    return area_ratio


def report_fit(area_ratio):
    """The die-area fit (median of published / predicted: robust to the one tiles-only figure and
    to the spread of undeclared blocks), in sample and leave-one-out; returns the fitted factor."""
    with open(MICROARCH) as f:
        in_file = float(yaml.safe_load(f)["die_area_fit"]["value"])
    k = statistics.median(area_ratio.values())
    print()
    print(f"Die-area fit (data/microarch.yaml die_area_fit = {in_file:g}; fitted now: {k:.3f}, median of published / "
          f"predicted over {len(area_ratio)} chips):")
    print()
    print("| chip | published / predicted | estimate error, in sample | factor without this chip | estimate error, left out |")
    print("|---|---|---|---|---|")
    loo = {}
    for chip, r in area_ratio.items():
        k_out = statistics.median(v for c, v in area_ratio.items() if c != chip)
        loo[chip] = k_out / r - 1
        print(f"| {chip} | {r:.3f} | {100 * (k / r - 1):+.0f}% | {k_out:.3f} | {100 * loo[chip]:+.0f}% |")
    ins = [k / r - 1 for r in area_ratio.values()]
    print()
    print(f"| die estimate | median abs(error) in sample {100 * statistics.median(abs(e) for e in ins):.0f}% "
          f"(median {100 * statistics.median(ins):+.0f}%) | leave-one-out {100 * statistics.median(abs(e) for e in loo.values()):.0f}% "
          f"(median {100 * statistics.median(loo.values()):+.0f}%) |")
    return k, in_file


if __name__ == "__main__":
    fitted, in_file = report_fit(main())
    if CHECK_FIT and abs(in_file / fitted - 1) > FIT_TOLERANCE:
        raise SystemExit(f"{MICROARCH}: die_area_fit.value: {in_file:g} is {100 * (in_file / fitted - 1):+.1f}% from the "
                         f"{fitted:.3f} the current model fits (re-fit it: bench/validate_chips.py)")
