#!/usr/bin/env python3
"""meshforge report: one self-contained HTML page of an explore run (what `meshforge report DIR` runs).

    /usr/bin/python3 scripts/meshforge_report.py DIR

DIR is an explore run's directory (best_design.yaml, report.json, progress.csv, timeline.csv,
pareto.csv; rtl/floorplan.svg when `--rtl` wrote one). Writes DIR/report.html (figures inline as
SVG: no network access needed) and each figure as SVG and PNG in DIR/report/ (for papers):
the design's metrics, violations and bottlenecks (prefill and decode side by side), mesh heatmaps
of the per-tile parameters, power and area breakdowns, convergence against evaluations and
seconds, the Pareto front with the best design marked, and the floorplan.

Exits 2 with one line on stderr naming the file when DIR is not an explore run.
"""
import base64
import csv
import html
import io
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402

plt.rcParams.update({"svg.fonttype": "path", "font.size": 9, "figure.dpi": 110})


# The report.json schema this script reads (src/report/report_json.h kReportSchemaVersion).
REPORT_SCHEMA_VERSION = 1


class RunError(Exception):
    pass


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise RunError(f"{path}: missing: not an explore run directory (meshforge explore writes report.json)")
    except json.JSONDecodeError as e:
        raise RunError(f"{path}: malformed JSON: {e}")


def load_design(path):
    try:
        with open(path) as f:
            d = yaml.safe_load(f)
    except FileNotFoundError:
        raise RunError(f"{path}: missing: not an explore run directory")
    except yaml.YAMLError as e:
        raise RunError(f"{path}: malformed YAML: {e}")
    if not isinstance(d, dict) or "mesh" not in d or "tile_classes" not in d:
        raise RunError(f"{path}: mesh: not a meshforge design")
    return d


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def si(v, unit=""):
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "—"
    if v == 0:
        return f"0 {unit}".strip()
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n")):
        if abs(v) >= scale:
            return f"{v / scale:.4g} {prefix}{unit}".strip()
    return f"{v:.3g} {unit}".strip()


def byte_text(v):
    for scale, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if v >= scale:
            return f"{v / scale:g} {name}"
    return f"{v} B"


def parse_bytes(text):
    if isinstance(text, (int, float)):
        return float(text)
    t = str(text).strip()
    for suffix, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1)):
        if t.endswith(suffix):
            return float(t[: -len(suffix)]) * scale
    return float(t)


class Figures:
    """Each figure inline as SVG in the page and saved as SVG and PNG in DIR/report/."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        os.makedirs(out_dir, exist_ok=True)

    def add(self, fig, name):
        fig.tight_layout()  # once, instead of bbox_inches="tight" (which draws each file twice)
        fig.savefig(os.path.join(self.out_dir, name + ".png"))
        buf = io.StringIO()  # rendered once: the page's inline copy and the .svg file
        fig.savefig(buf, format="svg")
        plt.close(fig)
        svg = buf.getvalue()
        with open(os.path.join(self.out_dir, name + ".svg"), "w") as f:
            f.write(svg)
        return svg[svg.index("<svg"):]


def tile_grid(design):
    rows, cols = design["mesh"]["rows"], design["mesh"]["cols"]
    class_map = design.get("class_map")
    grid = np.zeros((rows, cols), dtype=int)
    if class_map:
        for r, line in enumerate(class_map):
            for c, ch in enumerate(str(line)):
                grid[r, c] = int(ch)
    return grid


def mesh_heatmaps(design, figures):
    grid = tile_grid(design)
    classes = design["tile_classes"]
    rows, cols = grid.shape
    fields = [("class", None), ("vlen_bits", "VLEN (bits)"), ("mac_rows", "MAC rows"), ("fetch_width", "FETCH width"),
              ("wmem_bytes", "WMEM"), ("amem_bytes", "AMEM"), ("imem_bytes", "IMEM"), ("weight_storage", "weights in")]
    scale = max(rows, cols)
    fig, axes = plt.subplots(2, 4, figsize=(13, 6.8 * max(0.45, min(1.0, rows / max(cols, 1))) + 0.8))
    for ax, (field, title) in zip(axes.flat, fields):
        if field == "class":
            values = grid.astype(float)
            labels = [f"{i}: {c.get('name', i)}" for i, c in enumerate(classes)]
            title = "tile class"
        elif field == "weight_storage":
            kinds = sorted({c.get("weight_storage", "sram") for c in classes})
            values = np.vectorize(lambda k: kinds.index(classes[k].get("weight_storage", "sram")))(grid).astype(float)
            labels = kinds
        else:
            per_class = [parse_bytes(c[field]) if field.endswith("bytes") else float(c[field]) for c in classes]
            values = np.vectorize(lambda k: per_class[k])(grid).astype(float)
            distinct = sorted(set(per_class))
            labels = [byte_text(v) if field.endswith("bytes") else f"{v:g}" for v in distinct]
            values = np.vectorize(lambda v: distinct.index(v))(values).astype(float)
        n = max(1, len(labels))
        cmap = plt.get_cmap("viridis", n)
        extreme = max(rows / max(cols, 1), cols / max(rows, 1)) > 4  # a 64 x 1 mesh would be a hairline
        im = ax.imshow(values, cmap=cmap, vmin=-0.5, vmax=n - 0.5, interpolation="nearest", aspect="auto" if extreme else "equal")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        if scale <= 16:  # small meshes: tile borders
            ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
            ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
            ax.grid(which="minor", color="white", linewidth=0.5)
        bar = fig.colorbar(im, ax=ax, ticks=range(n), fraction=0.046, pad=0.02)
        bar.ax.set_yticklabels(labels)
    fig.suptitle(f"{rows} × {cols} mesh: per-tile parameters (row 0 at the top)")
    return figures.add(fig, "mesh")


def tile_activity_heatmaps(design, report, figures):
    """Per-tile MAC-array busy share and power, prefill and decode, from the stages each tile belongs to.
    Busy is not FLOP utilisation: a batch-1 decode keeps a 2D array busy with one row of it in use."""
    order = report.get("tile_order") or []
    grid = tile_grid(design)
    rows, cols = grid.shape
    if not order or len(order) > rows * cols:  # harvested tiles are in no stage: fewer slots than tiles
        return None
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.6 * max(0.45, min(1.0, rows / max(cols, 1))) + 0.8))
    extreme = max(rows / max(cols, 1), cols / max(rows, 1)) > 4
    for r, phase in enumerate(("prefill", "decode")):
        util = np.full(rows * cols, np.nan)
        power = np.full(rows * cols, np.nan)
        for st in report.get(phase, {}).get("stages", []):
            n = max(1, st.get("tiles", 0))
            for slot in range(st.get("first_slot", 0), st.get("first_slot", 0) + st.get("tiles", 0)):
                util[order[slot]] = st.get("mac_activity", 0.0)
                power[order[slot]] = st.get("power_w", 0.0) / n
        for c, (values, title, cmap, fmt_) in enumerate(((util, "MAC arrays busy", "magma", lambda v: f"{100 * v:.0f}%"),
                                                         (power, "power per tile (W)", "inferno", lambda v: si(v, "W")))):
            ax = axes[r][c]
            grid_values = values.reshape(rows, cols)
            cm = plt.get_cmap(cmap).copy()
            cm.set_bad("#dddddd")  # tiles no stage uses
            finite = values[np.isfinite(values)]
            vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
            im = ax.imshow(grid_values, cmap=cm, vmin=0, vmax=vmax, interpolation="nearest", aspect="auto" if extreme else "equal")
            mean = fmt_(float(np.nanmean(values))) if finite.size else "-"
            ax.set_title(f"{phase}: {title}, mean {mean}")
            ax.set_xticks([])
            ax.set_yticks([])
            bar = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.02)
            if c == 0:
                bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    fig.suptitle(f"{rows} × {cols} mesh, by pipeline stage (grey: no stage): the share of the step each tile's MAC\n"
                 f"array computes (busy, rows a batch-1 decode leaves idle included) and each tile's power", fontsize=10)
    return figures.add(fig, "mesh_activity")


def breakdown(report, key, unit, figures, name):
    parts = report["breakdown"][key]
    labels = [k.replace("_", " ") for k in parts]
    values = [parts[k] for k in parts]
    fig, ax = plt.subplots(figsize=(6, 0.32 * len(labels) + 1))
    y = np.arange(len(labels))
    ax.barh(y, values, color="#4c72b0")
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    total = sum(values)
    text = (lambda v: si(v, unit)) if unit == "W" else (lambda v: f"{v:.4g} {unit}")
    for i, v in enumerate(values):
        ax.text(v, i, f" {text(v)} ({100 * v / total:.0f}%)" if total > 0 else "", va="center", fontsize=8)
    ax.set_xlim(0, max(values) * 1.45 if values and max(values) > 0 else 1)
    ax.set_xlabel(unit)
    ax.set_title(f"{'power (' + report['scored_phase'] + ')' if key == 'power_w' else 'area'}: {text(total)}")
    return figures.add(fig, name)


def convergence(progress, timeline, figures):
    if not progress:
        return None
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.4))
    ev = [int(r["evaluation"]) for r in progress]
    best = [float(r["best_score"]) for r in progress]
    score = [float(r["score"]) for r in progress]
    step = max(1, len(ev) // 4000)
    # Thousands of points: rasterised inside the SVG (still inline), or the page takes seconds to draw.
    a.scatter(ev[::step], score[::step], s=2, color="#bbbbbb", label="each evaluation", rasterized=True)
    a.plot(ev, best, color="#c44e52", label="best so far")
    a.set_xlabel("evaluations")
    a.set_ylabel("PPA score")
    a.set_xscale("log")
    a.legend(loc="lower right")
    a.set_title("convergence against evaluations")
    if timeline:
        t = [float(r["seconds"]) for r in timeline]
        tb = [float(r["best_score"]) for r in timeline]
        b.plot(t, tb, color="#c44e52")
        b.set_xlabel("seconds")
        b.set_ylabel("best PPA score")
        b.set_title("convergence against wall-clock")
    else:
        b.text(0.5, 0.5, "no timeline.csv", ha="center", va="center", transform=b.transAxes)
        b.set_axis_off()
    return figures.add(fig, "convergence")


def pareto(front, report, figures):
    if not front:
        return None
    tps = np.array([float(r["decode_tokens_per_second"]) for r in front])
    power = np.array([float(r["power_w"]) for r in front])
    area = np.array([float(r["area_mm2"]) for r in front])
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    sc = ax.scatter(power, tps, c=np.log10(area), s=8, cmap="plasma", rasterized=len(front) > 500)
    bar = fig.colorbar(sc, ax=ax)
    bar.set_label("log10 area (mm²)")
    ax.scatter([report["power_w"]], [report["tokens_per_second"]["decode"]], marker="*", s=180, color="#2ca02c",
               edgecolor="black", label="best design", zorder=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("power (W)")
    ax.set_ylabel(f"decode {report['throughput_unit']}/s")
    ax.set_title(f"Pareto front: {len(front)} feasible designs no other dominates")
    ax.legend(loc="lower right")
    return figures.add(fig, "pareto")


def metrics_table(report):
    unit = report["throughput_unit"]
    rows = [("", "prefill", "decode")]
    for label, get in (
        ("runs", lambda p: "yes" if p["runs"] else "no"),
        (f"{unit}/s", lambda p: si(p["tokens_per_second"])),
        (f"ms per {unit[:-1]}", lambda p: f"{p['ms_per_token']:.4g}"),
        ("step latency", lambda p: si(p["step_latency_s"], "s")),
        ("power", lambda p: si(p["power_w"], "W")),
        (f"energy per {unit[:-1]}", lambda p: si(p["energy_per_token_j"], "J")),
        ("utilisation", lambda p: f"{100 * p['utilisation']:.1f}%"),
        ("share of roofline", lambda p: f"{100 * p['roofline_share']:.1f}%"),
        ("pipeline stages", lambda p: str(p["pipeline_stages"])),
        ("bottleneck", lambda p: p["bottleneck"]),
        ("time bound by", lambda p: ", ".join(f"{k.replace('_', ' ')} {100 * v:.0f}%" for k, v in
                                             sorted(p.get("bottleneck_share", {}).items(), key=lambda kv: -kv[1]) if v >= 0.005)),
        ("stage load balance", lambda p: f"{100 * p['load_balance']:.0f}%"),
        ("live activations", lambda p: si(p["activation_peak_bytes"], "B")),
        ("activations spilled", lambda p: si(p["activation_spill_bytes"], "B")),
    ):
        def cell(phase):
            try:  # a phase that does not run has null figures
                return get(report[phase])
            except (TypeError, KeyError, ValueError):
                return "—"
        rows.append((label, cell("prefill"), cell("decode")))
    out = "<table class='m'>" + "".join(
        "<tr>" + "".join((f"<th>{html.escape(c)}</th>" if i == 0 or r == 0 else f"<td>{html.escape(c)}</td>")
                         for i, c in enumerate(row)) + "</tr>" for r, row in enumerate(rows)) + "</table>"
    return out


def stage_table(report):
    out = "<table class='m'><tr><th>phase</th><th>stage</th><th>tiles</th><th>ops</th><th>time</th><th>bound by</th></tr>"
    for phase in ("prefill", "decode"):
        for i, s in enumerate(report[phase].get("stages", [])):
            out += (f"<tr><td>{phase}</td><td>{i}</td><td>{s['tiles']}</td><td>{s['first_op']}–{s['end_op']}</td>"
                    f"<td>{si(s['time_s'], 's')}</td><td>{html.escape(s['bottleneck'])}</td></tr>")
    return out + "</table>"


def band_plot(ax, rows, x_key, agents, x_grid, log_x):
    """Median best-so-far over seeds with a min-max band, per agent, on a common x grid (step curves);
    a seed with no feasible design yet counts as 0."""
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, agent in enumerate(agents):
        seeds = {}
        for r in rows:
            if r["agent"] == agent:
                seeds.setdefault(r["seed"], []).append((float(r[x_key]), float(r["best_feasible_score"])))
        if not seeds:
            continue
        curves = []
        for points in seeds.values():
            points.sort()
            xs = np.array([p[0] for p in points])
            ys = np.array([p[1] for p in points])
            idx = np.searchsorted(xs, x_grid, side="right") - 1
            curve = np.where(idx >= 0, ys[np.clip(idx, 0, None)], 0.0)
            curve[curve < 0] = 0.0  # nothing feasible yet: 0, so the median stays monotone
            curves.append(curve)
        c = np.array(curves)
        with np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)
                med, lo, hi = np.nanmedian(c, axis=0), np.nanmin(c, axis=0), np.nanmax(c, axis=0)
        colour = colours[i % len(colours)]
        ax.plot(x_grid, med, color=colour, label=f"{agent} ({len(curves)} seeds)")
        ax.fill_between(x_grid, lo, hi, color=colour, alpha=0.2, linewidth=0)
    if log_x:
        ax.set_xscale("log")


def compare_page(run):
    """OUT/report.html of meshforge compare: its tables and the anytime curves with a band over seeds."""
    spec = load_json(os.path.join(run, "compare.json"))
    figures = Figures(os.path.join(run, "report"))
    sections = []
    curves = {"evaluations": read_csv(os.path.join(run, "curves_evaluations.csv")),
              "seconds": read_csv(os.path.join(run, "curves_seconds.csv"))}
    for kind in spec.get("kinds", {}):
        table_file = os.path.join(run, kind + ".md")
        table = open(table_file).read() if os.path.exists(table_file) else ""
        lines = [l for l in table.splitlines() if l.startswith("|") and not l.startswith("|---")]
        html_table = "<table class='m'>" + "".join(
            "<tr>" + "".join((f"<th>{html.escape(c.strip())}</th>" if r == 0 else f"<td>{html.escape(c.strip())}</td>")
                             for c in line.strip("|").split("|")) + "</tr>" for r, line in enumerate(lines)) + "</table>"
        content = html_table
        for regime in spec["regimes"]:
            for node in spec["nodes"]:
                fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
                for ax, x_key in zip(axes, ("evaluation", "seconds")):
                    rows = [r for r in curves["seconds" if x_key == "seconds" else "evaluations"]
                            if r["kind"] == kind and r["regime"] == regime and r["node"] == node]
                    xs = [float(r[x_key]) for r in rows]
                    if not xs:
                        ax.set_axis_off()
                        continue
                    top = max(xs)
                    grid = np.unique(np.geomspace(1, max(top, 2), 300)) if x_key == "evaluation" else np.linspace(0, top, 300)
                    band_plot(ax, rows, x_key, spec["agents"], grid, x_key == "evaluation")
                    ax.set_xlabel("evaluations" if x_key == "evaluation" else "seconds")
                    ax.set_ylabel("best feasible score")
                    ax.legend(fontsize=7, loc="lower right")
                fig.suptitle(f"{regime} on {node}, {kind} budget: median over seeds, band = min to max")
                content += figures.add(fig, f"anytime-{kind}-{regime}-{node}")
        sections.append((kind, f"Equal {kind}", content))
    return "meshforge compare: " + ", ".join(spec.get("agents", [])), sections


def sweep_page(run):
    """OUT/report.html of meshforge sweep: the best design's metrics and mesh against the node."""
    rows = [r for r in read_csv(os.path.join(run, "summary.csv")) if r.get("mesh_rows")]
    if not rows:
        raise RunError(f"{os.path.join(run, 'summary.csv')}: no finished node yet")
    figures = Figures(os.path.join(run, "report"))
    nodes = [r["node"] for r in rows]
    unit = rows[0].get("throughput_unit", "tokens")
    fig, axes = plt.subplots(2, 3, figsize=(12, 6))
    for ax, (key, label, log) in zip(axes.flat, (
            ("tokens_per_second_decode", f"decode {unit}/s", True), ("tokens_per_second_prefill", f"prefill {unit}/s", True),
            ("power_w", "power (W)", True), ("area_mm2", "area (mm²)", True), ("ppa_score", "PPA score", False),
            ("clock_mhz", "clock (MHz)", True))):
        ax.plot(nodes, [float(r[key]) for r in rows], marker="o")
        ax.set_title(label)
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("node")
    fig.suptitle("the best design per node")
    content = figures.add(fig, "sweep")
    header = ["node", "mesh", f"decode {unit}/s", f"prefill {unit}/s", "power", "area mm²", "score", "feasible", "clock",
              "DRAM", "classes"]
    content += "<table class='m'><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"
    for r in rows:
        cells = [r["node"], f"{r['mesh_rows']} × {r['mesh_cols']}", si(float(r["tokens_per_second_decode"])),
                 si(float(r["tokens_per_second_prefill"])), si(float(r["power_w"]), "W"), f"{float(r['area_mm2']):.4g}",
                 f"{float(r['ppa_score']):.4f}", "yes" if r["feasible"] == "1" else "no", f"{float(r['clock_mhz']):g} MHz",
                 f"{r['dram_kind']} x{r['dram_channels']}", r["tile_classes"]]
        content += "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
    content += "</table><p>Each node's own report: " + " · ".join(
        f"<a href='{html.escape(n)}/report.html'>{html.escape(n)}</a>" for n in nodes) + "</p>"
    settings = load_json(os.path.join(run, "sweep.json")).get("settings", {})
    title = f"meshforge sweep: {settings.get('model', '')}, {settings.get('mode', '')} mode, {len(rows)} nodes"
    return title, [("nodes", "Best design per node", content)]


def main():
    if len(sys.argv) != 2:
        print("usage: meshforge_report.py DIR", file=sys.stderr)
        return 2
    run = sys.argv[1]
    try:
        if not os.path.isdir(run):
            raise RunError(f"{run}: not a directory")
        if os.path.exists(os.path.join(run, "sweep.json")):
            title, sections = sweep_page(run)
            write_page(run, title, sections)
            return 0
        if os.path.exists(os.path.join(run, "compare.json")):
            title, sections = compare_page(run)
            write_page(run, title, sections)
            return 0
        report = load_json(os.path.join(run, "report.json"))
        for key in ("breakdown", "prefill", "decode", "tokens_per_second"):
            if key not in report:
                raise RunError(f"{os.path.join(run, 'report.json')}: {key}: missing (not a meshforge report)")
        version = report.get("schema_version", 1)  # reports before the field existed are version 1
        if not isinstance(version, int) or version > REPORT_SCHEMA_VERSION:
            raise RunError(f"{os.path.join(run, 'report.json')}: schema_version: {version} is newer than this "
                           f"meshforge's {REPORT_SCHEMA_VERSION}: use a newer meshforge")
        design = load_design(os.path.join(run, "best_design.yaml"))
        figures = Figures(os.path.join(run, "report"))
        progress = read_csv(os.path.join(run, "progress.csv"))
        timeline = read_csv(os.path.join(run, "timeline.csv"))
        front = read_csv(os.path.join(run, "pareto.csv"))
        sections = []
        search = report.get("search", {})
        title = f"{report.get('design', 'design')}: {report.get('model', '')} on {report.get('node', '')}, {report.get('mode', '')} mode"
        summary = (f"<p><b>PPA score {report['ppa_score']:.4f}</b> ({'feasible' if report['feasible'] else 'INFEASIBLE'}, "
                   f"scored on {report['scored_phase']}); {si(report['power_w'], 'W')} on die, board {si(report.get('board_power_w'), 'W')}, "
                   + (f"idle {si(report['idle_power_w'], 'W')}, " if report.get("idle_power_w") is not None else "")
                   + f"{report['area_mm2']:.4g} mm²"
                   + (f" (a shipping die of this description: ~{report['die_area_estimate_mm2']:.4g} mm², by a fitted factor)"
                      if report.get("die_area_estimate_mm2") is not None else "")
                   + f", clock {si(report['clock_hz'], 'Hz')} at {report['supply_v']:.3g} V, "
                   f"time to first token {si(report['time_to_first_token_s'], 's')}, peak {si(report['peak_flops_per_s'], 'FLOP/s')}.</p>")
        if search:
            summary += (f"<p>Found by the {html.escape(str(search.get('agent')))} agent (seed {search.get('seed')}) at evaluation "
                        f"{search.get('found_at_evaluation')} of {search.get('evaluations')}; the run ended on its "
                        f"{html.escape(str(search.get('ended_on', '')))}.</p>")
        violations = report.get("violations", [])
        summary += ("<p>Violations:</p><ul>" + "".join(f"<li>{html.escape(v)}</li>" for v in violations) + "</ul>") if violations else "<p>No violations.</p>"
        sections.append(("design", "The design", summary + metrics_table(report)))
        sections.append(("mesh", "Mesh", mesh_heatmaps(design, figures)))
        activity = tile_activity_heatmaps(design, report, figures)
        if activity:
            sections.append(("activity", "Per-tile activity and power", activity))
        sections.append(("breakdowns", "Power and area",
                         breakdown(report, "power_w", "W", figures, "power") + breakdown(report, "area_mm2", "mm²", figures, "area")))
        sections.append(("stages", "Pipeline stages", stage_table(report)))
        conv = convergence(progress, timeline, figures)
        if conv:
            sections.append(("convergence", "Convergence", conv))
        par = pareto(front, report, figures)
        if par:
            sections.append(("pareto", "Pareto front", par))
        floorplan = os.path.join(run, "rtl", "floorplan.svg")
        if os.path.exists(floorplan):
            # As an image scaled to the page (its own size is the die's, in micrometres), still inline.
            with open(floorplan, "rb") as f:
                data = base64.b64encode(f.read()).decode()
            sections.append(("floorplan", "Floorplan (meshforge rtl)",
                             f"<img alt='floorplan' style='max-width:700px;max-height:700px' src='data:image/svg+xml;base64,{data}'>"))
    except RunError as e:
        print(f"meshforge: error: {e}", file=sys.stderr)
        return 2
    write_page(run, title, sections)
    return 0


def write_page(run, title, sections):
    nav = " · ".join(f"<a href='#{sid}'>{html.escape(name)}</a>" for sid, name, _ in sections)
    body = "".join(f"<section id='{sid}'><h2>{html.escape(name)}</h2>{content}</section>" for sid, name, content in sections)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; }}
h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.15em; border-bottom: 1px solid #ccc; }}
table.m {{ border-collapse: collapse; margin: 0.5em 0; }} table.m td, table.m th {{ border: 1px solid #ddd; padding: 2px 8px; text-align: right; }}
table.m th {{ background: #f4f4f4; }} svg {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{nav}</p>
{body}
<p style="color:#888">Written by meshforge report from {html.escape(os.path.abspath(run))}; figures as SVG and PNG in report/.</p>
</body></html>
"""
    with open(os.path.join(run, "report.html.tmp"), "w") as f:
        f.write(page)
    os.replace(os.path.join(run, "report.html.tmp"), os.path.join(run, "report.html"))
    print(f"wrote        {os.path.join(run, 'report.html')} and its figures in {os.path.join(run, 'report')}/")


if __name__ == "__main__":
    sys.exit(main())
