#!/usr/bin/env python3
"""Cross-check of the C++ fma reference (vu_ref.cpp) against bench/synth/synth.py's exact-rational
Python reference (fp_decode / fp_encode: a * b + c as a Fraction, rounded once).

    check_ref_python.py VU_FMA_TB [N] [SEED]

runs `VU_FMA_TB N SEED --dump` (lines "fmt a b c r", hex, r = the C++ reference's result, which that
run also compares with the RTL's mf_fma) and recomputes every r in Python.
Also reports how many cases are deep cancellations, flushes to zero and overflows, so that the
stimulus is known to reach them. Exit 1 on any mismatch.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "bench", "synth"))
from synth import fp_decode, fp_encode  # noqa: E402

# format index -> (operand exponent, fraction bits, accumulator exponent, fraction bits)
FMT = {0: (8, 23, 8, 23), 1: (5, 10, 8, 23), 2: (8, 7, 8, 23), 3: (4, 3, 5, 10)}
NAME = {0: "fp32", 1: "fp16", 2: "bf16", 3: "fp8"}


def main():
    tb = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    seed = sys.argv[3] if len(sys.argv) > 3 else "7"
    out = subprocess.run([tb, str(n), seed, "--dump"], check=True,
                         capture_output=True, text=True).stdout.split("\n")
    bad = 0
    stats = {f: {"cases": 0, "cancel": 0, "ftz": 0, "inf": 0, "zero": 0} for f in FMT}
    for line in out:
        if len(line.split()) != 5:      # the summary lines
            continue
        f, a, b, c, r = line.split()
        f = int(f)
        a, b, c, r = (int(v, 16) for v in (a, b, c, r))
        ei, mi, ec, mc = FMT[f]
        exact = fp_decode(a, ei, mi) * fp_decode(b, ei, mi) + fp_decode(c, ec, mc)
        want = fp_encode(exact, ec, mc)
        s = stats[f]
        s["cases"] += 1
        emask = (1 << ec) - 1
        er = (r >> mc) & emask
        if er == emask:
            s["inf"] += 1
        elif r & ((1 << (ec + mc)) - 1) == 0:
            s["zero" if exact == 0 else "ftz"] += 1
        cv = fp_decode(c, ec, mc)
        if cv != 0 and exact != 0 and abs(exact) < abs(cv) / (1 << 8):
            s["cancel"] += 1            # lost more than 8 leading bits of the addend
        if r != want:
            bad += 1
            if bad <= 10:
                print(f"MISMATCH {NAME[f]} a={a:x} b={b:x} c={c:x}: C++ {r:x} Python {want:x}")
    for f, s in stats.items():
        print(f"{NAME[f]}: {s['cases']} fma cases, {s['cancel']} deep cancellations, "
              f"{s['ftz']} flushed to zero, {s['zero']} exact zeros, {s['inf']} Inf encodings")
    total = sum(s["cases"] for s in stats.values())
    print(f"{total} cases, {bad} mismatches")
    if total < n or bad:
        print("FAIL")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
