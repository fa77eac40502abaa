#!/usr/bin/env python3
"""How good the progress line's time estimate is (issue 12: within 2x of the truth after 10% of a run).

Run from the repository root after building, on an otherwise idle machine:
    /usr/bin/python3 bench/progress_estimate.py [--binary build/meshforge] [--agents sac,random-walk,bo,de]
        [--budget 5000] [--out out/progress_estimate]

Each agent explores Llama 3.1 8B at 3 nm under a pseudo-terminal, so that the progress line is
refreshed in place every 0.2 s; the script timestamps every refresh, takes the first at or after
10% of the evaluations (and at 25% and 50%), and compares its "left" estimate with the time the run
actually took from there. Prints a markdown table: agent, evaluations, run time, and per checkpoint
the estimate, the truth and their ratio (estimate / truth; 1 is exact, within 0.5-2 is the target).
"""
import argparse, os, pty, re, select, shutil, subprocess, time

LINE = re.compile(r"(\d+)/(\d+) evaluations .*?left (?:(\d+):(\d+)(?::(\d+))?|([\d.]+) s)")


def seconds(m):
    if m.group(6):
        return float(m.group(6))
    parts = [int(g) for g in m.group(3, 4, 5) if g is not None]
    return parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]


def run(binary, agent, budget, out):
    shutil.rmtree(out, ignore_errors=True)
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen([binary, "explore", "--model", "llama-3.1-8b", "--node", "3nm", "--agent", agent, "--budget",
                          str(budget), "--threads", "1", "--out", out], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    samples, buf = [], b""
    while True:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            *parts, buf = re.split(rb"[\r\n]", buf)
            now = time.monotonic() - t0
            for part in parts:
                m = LINE.search(part.decode(errors="replace"))
                if m:
                    samples.append((now, int(m.group(1)), seconds(m)))
        elif p.poll() is not None:
            break
    p.wait()
    os.close(master)
    return time.monotonic() - t0, samples


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--agents", default="sac,random-walk,bo,de")
    ap.add_argument("--budget", type=int, default=5000)
    ap.add_argument("--out", default="out/progress_estimate")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    marks = (0.10, 0.25, 0.50)
    print("| agent | evaluations | run | " + " | ".join(f"at {int(100 * f)}%: left / truth (ratio)" for f in marks) + " |")
    print("|---|---|---|" + "---|" * len(marks))
    for agent in a.agents.split(","):
        total, samples = run(a.binary, agent, a.budget, os.path.join(a.out, agent))
        cells = []
        for f in marks:
            s = next((s for s in samples if s[1] >= f * a.budget), None)
            if s is None:
                cells.append("no line")
                continue
            truth = total - s[0]
            cells.append(f"{s[2]:.1f} s / {truth:.1f} s ({s[2] / truth:.2f})" if truth > 0 else "ended")
        print(f"| {agent} | {a.budget} | {total:.1f} s | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
