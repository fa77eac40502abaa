#!/usr/bin/env python3
"""Predicted vs published area, power and peak throughput of the chips in data/designs/chips/.

Run from the repository root after building:  /usr/bin/python3 bench/validate_chips.py [build/meshforge]
Prints the markdown table that docs/validation.md quotes. Each chip runs Llama 3.1 8B prefill
(batch 16 x 512 tokens) at the chip's native precision: a GEMM-heavy load that keeps the MAC
arrays busy, like the published 'busy' power figures. On-die power excludes the DRAM devices and
interface energy (power.dram), except where the published figure is board power.
"""
import json
import subprocess
import sys

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/meshforge"

# chip, node, precision, published: area mm2, power W, peak op/s, power includes DRAM?
CHIPS = [
    ("tpuv1", "28nm", "int8", {"area": 331, "area_note": "<= 331 [S]", "power": 40, "power_note": "28-40 W busy [S]", "peak": 92e12, "board": False}),
    ("wormhole-n150", "12nm", "fp16", {"area": 670, "area_note": "670 [S]", "power": 160, "power_note": "160 W board [D]", "peak": 74e12, "board": True}),
    ("simba-chiplet", "16nm", "int8", {"area": 3.1, "area_note": "~3.1 [X]", "energy_per_op": 0.11e-12, "peak": 4.01e12, "board": False}),
    ("cerebras-wse2", "7nm", "fp16", {"area": 46225, "area_note": "46,225 [D]", "power": 15000, "power_note": "~15 kW [S]", "peak": None, "board": False}),
    ("gap9", "22nm", "int8", {"area": None, "power": 0.050, "power_note": "50 mW [D]", "peak": 50e9, "board": False}),
]


def evaluate(design, node, precision):
    out = subprocess.run(
        [BINARY, "evaluate", "--model", "llama-3.1-8b", "--batch", "16", "--seq", "512", "--phase", "prefill",
         "--precision", precision, "--node", node, "--design", f"data/designs/chips/{design}.yaml", "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def err(pred, pub):
    return f"{100.0 * (pred - pub) / pub:+.0f}%"


def fmt(v, unit):
    for scale, prefix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p")):
        if abs(v) >= scale:
            return f"{v / scale:.3g} {prefix}{unit}"
    return f"{v:.3g} {unit}"


rows = []
for design, node, precision, pub in CHIPS:
    r = evaluate(design, node, precision)
    power = r["prefill"]["power_w"]
    on_die = power - r["breakdown"]["power_w"]["dram"]
    tiles_area = r["area_mm2"] - r["breakdown"]["area_mm2"]["phys"] - r["breakdown"]["area_mm2"]["io"]
    area = tiles_area if design == "simba-chiplet" else r["area_mm2"]
    if pub.get("area"):
        rows.append((design, node, "area" + (" (tiles only)" if design == "simba-chiplet" else ""), f"{area:.4g} mm2", pub["area_note"] + " mm2", err(area, pub["area"])))
    if pub.get("power"):
        p = power if pub["board"] else on_die
        rows.append((design, node, "power" + (" incl. DRAM" if pub["board"] else " on die"), fmt(p, "W"), pub["power_note"], err(p, pub["power"])))
    if pub.get("energy_per_op"):
        ops = r["prefill"]["utilisation"] * r["peak_flops_per_s"]
        e = on_die / ops
        rows.append((design, node, "energy per op on die", fmt(e, "J"), "0.11 pJ [D]", err(e, pub["energy_per_op"])))
    if pub.get("peak"):
        rows.append((design, node, "peak throughput", fmt(r["peak_flops_per_s"], "op/s"), fmt(pub["peak"], "op/s") + " [D]", err(r["peak_flops_per_s"], pub["peak"])))
    rows.append((design, node, "(context) utilisation / bottleneck", f"{100 * r['prefill']['utilisation']:.0f}% / {r['prefill']['bottleneck']}", "", ""))

print("| chip | node | quantity | predicted | published | error |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
