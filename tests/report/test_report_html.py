#!/usr/bin/env python3
"""The HTML report as a browser shows it (issue 12): an explore run writes report.html; headless
Chromium renders it without console errors, every section is in the page, the screenshot is not
blank; the figures exist as SVG and PNG; a directory that is not a run is a one-line error.

    /usr/bin/python3 tests/report/test_report_html.py BINARY SCRATCH_DIR
"""
import os
import shutil
import subprocess
import sys

import matplotlib.image


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    binary, scratch = sys.argv[1], sys.argv[2]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    run = os.path.join(scratch, "run")
    env = dict(os.environ, MESHFORGE_REPORT="1")
    p = subprocess.run([binary, "explore", "--model", "llama-3.1-8b", "--node", "7nm", "--agent", "random", "--seq", "64",
                        "--budget", "200", "--out", run], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        fail("explore: " + p.stderr)
    page = os.path.join(run, "report.html")
    if not os.path.exists(page) or "report       " not in p.stdout:
        fail("explore wrote no report.html: " + p.stdout + p.stderr)
    for fig in ("mesh", "mesh_activity", "power", "area", "convergence", "pareto"):
        for ext in ("svg", "png"):
            if not os.path.getsize(os.path.join(run, "report", f"{fig}.{ext}")) > 1000:
                fail(f"report/{fig}.{ext} is missing or empty")
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chrome:
        fail("chromium is not installed (scripts/setup.sh installs it)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={os.path.join(scratch, 'chrome')}"]
    url = "file://" + os.path.abspath(page)
    dom = subprocess.run([chrome, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    for section in ("design", "mesh", "activity", "breakdowns", "stages", "convergence", "pareto"):
        if f'id="{section}"' not in dom.stdout:
            fail(f"section {section} is not in the rendered page")
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    if console:
        fail("console messages: " + " | ".join(console))
    shot = os.path.join(scratch, "shot.png")
    subprocess.run([chrome, *flags, f"--screenshot={shot}", "--window-size=1280,2400", url], capture_output=True, timeout=120)
    if not os.path.exists(shot):
        fail("no screenshot")
    pixels = matplotlib.image.imread(shot)
    if pixels.std() < 0.05:
        fail(f"the screenshot is blank (pixel standard deviation {pixels.std():.3f})")
    # A sweep's page: the best design per node, linking each node's own report.
    sweep = os.path.join(scratch, "sweep")
    p = subprocess.run([binary, "sweep", "--model", "llama-3.1-8b", "--nodes", "7nm,28nm", "--agent", "random", "--seq", "64",
                        "--budget", "60", "--out", sweep], capture_output=True, text=True, env=env)
    if p.returncode != 0 or not os.path.exists(os.path.join(sweep, "report.html")):
        fail("sweep wrote no report.html: " + p.stderr)
    text = open(os.path.join(sweep, "report.html")).read()
    if "28nm/report.html" not in text or not os.path.exists(os.path.join(sweep, "28nm", "report.html")):
        fail("the sweep report does not link each node's report")
    # A comparison's page: its table per budget kind and the anytime curves.
    spec = os.path.join(scratch, "compare.yaml")
    with open(spec, "w") as f:
        f.write("nodes: [7nm]\nregimes:\n  llama: {model: llama-3.1-8b, seq: 64}\nagents: [random, de]\nseeds: 2\nbudget: 100\n")
    out = os.path.join(scratch, "compare")
    p = subprocess.run([binary, "compare", spec, "--out", out], capture_output=True, text=True, env=env)
    if p.returncode != 0 or not os.path.exists(os.path.join(out, "report.html")):
        fail("compare wrote no report.html: " + p.stderr)
    text = open(os.path.join(out, "report.html")).read()
    if 'id="evaluations"' not in text.replace("'", '"') or "<svg" not in text:
        fail("the compare report has no evaluations section with its curves")
    if not os.path.exists(os.path.join(out, "report", "anytime-evaluations-llama-7nm.png")):
        fail("the compare report wrote no anytime figure")
    # Not a run: one line, non-zero exit, nothing written.
    empty = os.path.join(scratch, "empty")
    os.makedirs(empty)
    p = subprocess.run([binary, "report", empty], capture_output=True, text=True)
    if p.returncode == 0 or len(p.stderr.strip().splitlines()) != 1 or "report.json" not in p.stderr:
        fail(f"report of a non-run: exit {p.returncode}, stderr {p.stderr!r}")
    if os.listdir(empty):
        fail("report of a non-run wrote " + ", ".join(os.listdir(empty)))
    # A report.json of a newer schema: one line naming the field, nothing overwritten.
    import json
    newer = os.path.join(scratch, "newer")
    shutil.copytree(run, newer)
    with open(os.path.join(newer, "report.json")) as f:
        report = json.load(f)
    if report.get("schema_version") != 1:
        fail(f"report.json has schema_version {report.get('schema_version')!r}, expected 1")
    report["schema_version"] = 99
    with open(os.path.join(newer, "report.json"), "w") as f:
        json.dump(report, f)
    before = open(os.path.join(newer, "report.html"), "rb").read()
    p = subprocess.run([binary, "report", newer], capture_output=True, text=True)
    if p.returncode == 0 or len(p.stderr.strip().splitlines()) != 1 or "schema_version" not in p.stderr:
        fail(f"report of a newer schema: exit {p.returncode}, stderr {p.stderr!r}")
    if open(os.path.join(newer, "report.html"), "rb").read() != before:
        fail("report of a newer schema overwrote report.html")
    print("ok: report.html renders, sections present, screenshot not blank")


if __name__ == "__main__":
    main()
