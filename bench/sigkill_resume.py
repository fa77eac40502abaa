#!/usr/bin/env python3
"""Five SIGKILLs at random moments of one explore run, each followed by --resume (issue 10): the
run must end in the same files as an uninterrupted one, and each kill loses only the work since
the last checkpoint.

Run from the repository root after building:
    /usr/bin/python3 bench/sigkill_resume.py [--binary build/meshforge] [--kills 5] [--budget 40000]
        [--agent de] [--seed 1] [--checkpoint-seconds 1] [--lanes L --checkpoint-every L] [--out out/sigkill]

With --checkpoint-every equal to --lanes the run checkpoints after every batch, and the script also
fails if any kill redid more than one batch (the evaluations runs.db had committed beyond the
checkpoint, a lower bound of the work redone, must not exceed it).

The reference is the same command run without interruption. After every kill the script records
the evaluations the run had committed to runs.db (a lower bound of what it had done) and the
evaluations of its checkpoint (where --resume continues); their difference is the work redone.
Then it resumes, and kills again at a random moment of the resumed run. Compared at the end:
progress.csv and pareto.csv byte for byte, best_design.yaml but for its comment header (which names
its directory), and runs.db's evaluations row for row.
"""
import argparse, filecmp, os, random, shutil, signal, sqlite3, struct, subprocess, sys, time


def checkpoint_evaluations(path):
    with open(path, "rb") as f:
        b = f.read()
    pos = 8 + 16  # magic, size, checksum
    (n,) = struct.unpack_from("<Q", b, pos)
    pos += 8
    for _ in range(2 * n):  # run settings: key, value
        (length,) = struct.unpack_from("<Q", b, pos)
        pos += 8 + length
    (length,) = struct.unpack_from("<Q", b, pos)  # agent name
    pos += 8 + length
    return struct.unpack_from("<q", b, pos)[0]


def db_rows(path):
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return c.execute("SELECT evaluation, design, score FROM evaluations ORDER BY evaluation").fetchall()
    finally:
        c.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="build/meshforge")
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--budget", type=int, default=100000)
    ap.add_argument("--agent", default="de")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--checkpoint-seconds", default="1")
    ap.add_argument("--checkpoint-every", type=int, default=0, help="explore --checkpoint-every (0: by time only)")
    ap.add_argument("--lanes", type=int, default=0, help="explore --lanes (0: the agent's default)")
    ap.add_argument("--out", default="out/sigkill")
    ap.add_argument("--rng", type=int, default=2026, help="seed of the kill moments")
    a = ap.parse_args()
    env = dict(os.environ, MESHFORGE_REPORT="0")
    base = [a.binary, "explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", a.agent, "--seed", str(a.seed),
            "--budget", str(a.budget), "--threads", "1", "--checkpoint-seconds", a.checkpoint_seconds]
    if a.lanes > 0:
        base += ["--lanes", str(a.lanes)]
    every = ["--checkpoint-every", str(a.checkpoint_every)] if a.checkpoint_every > 0 else []
    base += every
    redone = []
    ref, run = os.path.join(a.out, "uninterrupted"), os.path.join(a.out, "killed")
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    t0 = time.monotonic()
    subprocess.run(base + ["--out", ref], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    duration = time.monotonic() - t0
    rng = random.Random(a.rng)
    print(f"uninterrupted: {a.budget} evaluations in {duration:.1f} s\n")
    print("| kill | after (s) | committed to runs.db | checkpoint | redone on resume |")
    print("|---|---|---|---|---|")
    cmd = base + ["--out", run]
    for k in range(1, a.kills + 1):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wait = rng.uniform(0.3, 1.0) * duration / (a.kills + 1)  # the kills spread over the run
        time.sleep(wait)
        if p.poll() is not None:
            print(f"| {k} | {wait:.2f} | (the run had finished) | | |")
            break
        p.send_signal(signal.SIGKILL)
        p.wait()
        ck = os.path.join(run, "checkpoint.bin")
        committed = len(db_rows(os.path.join(run, "runs.db"))) if os.path.exists(os.path.join(run, "runs.db")) else 0
        at = checkpoint_evaluations(ck) if os.path.exists(ck) else 0
        print(f"| {k} | {wait:.2f} | {committed} | {at} | {max(0, committed - at)} (at least) |", flush=True)
        redone.append(max(0, committed - at))
        cmd = [a.binary, "explore", "--resume", run, "--threads", "1", "--checkpoint-seconds", a.checkpoint_seconds] + every
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    def body(path):  # without comment lines (best_design.yaml's header names its directory)
        with open(path) as f:
            return [line for line in f if not line.startswith("#")]

    same = {f: filecmp.cmp(os.path.join(ref, f), os.path.join(run, f), shallow=False) for f in ("progress.csv", "pareto.csv")}
    same["best_design.yaml"] = body(os.path.join(ref, "best_design.yaml")) == body(os.path.join(run, "best_design.yaml"))
    same["runs.db rows"] = db_rows(os.path.join(ref, "runs.db")) == db_rows(os.path.join(run, "runs.db"))
    print("\n" + ", ".join(f"{f}: {'identical' if v else 'DIFFERENT'}" for f, v in same.items()))
    ok = all(same.values())
    if a.checkpoint_every > 0:
        worst = max(redone, default=0)
        print(f"most work redone by one kill: {worst} evaluations (at least), checkpoint every {a.checkpoint_every}: "
              f"{'within' if worst <= a.checkpoint_every else 'MORE THAN'} one checkpoint interval")
        ok = ok and worst <= a.checkpoint_every
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
