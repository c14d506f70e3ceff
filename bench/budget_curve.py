#!/usr/bin/python3
"""Quality against training time for the `fast` schedule: trains the fast preset with its iterations
(both stages, and the decay starts) scaled by each factor on each given slice, measures every model with
`cosingan quality`, and prints a markdown table; with python3-matplotlib it also draws the curve.
Models (and their quality reports) already in OUT are reused, so a stopped run continues where it was.
One training at a time: on a 2-core machine, two would distort each other's minutes.

usage:
  budget_curve.py --cosingan build/app/cli/cosingan --out DIR [--factors 0.25,0.5,1,2]
                  [--slice NAME "TRAIN_ARGS" "QUALITY_ARGS"]... [--plot FILE.png] [--measured-only]

  TRAIN_ARGS are the `cosingan train` inputs (--image ... --mask ...); QUALITY_ARGS the `quality`
  masks and judge (for example --judge J --masks DIR --count 3, or --mask M for a slice without judge).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

BASE = {"stage1_iterations": 400, "stage1_decay_start": 200, "stage2_iterations": 200, "stage2_decay_start": 100}


def train(cosingan, name, train_args, factor, out):
    model = os.path.join(out, f"{name}-x{factor:g}")
    seconds_file = model + ".seconds"
    if os.path.exists(os.path.join(model, "config.json")) and os.path.exists(seconds_file):
        return model, float(open(seconds_file).read())
    config = {k: max(1, round(v * factor)) for k, v in BASE.items()}
    config_file = model + ".config.json"
    with open(config_file, "w") as f:
        json.dump(config, f)
    subprocess.run(["rm", "-rf", model], check=True)
    t0 = time.monotonic()
    with open(model + ".log", "w") as log:
        subprocess.run([cosingan, "train", *shlex.split(train_args), "--preset", "fast", "--config", config_file, "--out", model],
                       check=True, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - t0
    with open(seconds_file, "w") as f:
        f.write(f"{seconds:.1f}\n")
    return model, seconds


def measure(cosingan, model, quality_args):
    out = model + ".quality"
    done = os.path.join(out, "quality.json")
    if os.path.exists(done) and os.path.getmtime(done) > os.path.getmtime(os.path.join(model, "config.json")):
        return json.load(open(done))
    subprocess.run([cosingan, "quality", "--model", model, *shlex.split(quality_args), "--out", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.load(open(os.path.join(out, "quality.json")))


def row(name, factor, seconds, q):
    s, e, d = q["self"], q.get("edit", {}), q.get("diversity", {})
    dice = q.get("judge", {}).get("dice", {})
    judge = f"{dice['lung']['mean']:.3f} / {dice['infection']['mean']:.3f}" if dice else "—"
    gap = e.get("added_minus_real")
    return {
        "slice": name, "factor": factor, "minutes": seconds / 60, "ssim": s["ssim"], "ssim_body": s["ssim_body"], "psnr": s["psnr"],
        "mae_lung": s["mae"]["lung"], "unit": q.get("unit", ""), "edit_gap": gap, "diversity": d.get("lung_std_mean"), "judge": judge,
        "judge_lung": dice.get("lung", {}).get("mean"), "judge_infection": dice.get("infection", {}).get("mean"),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cosingan", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--factors", default="0.25,0.5,1,2")
    p.add_argument("--slice", nargs=3, action="append", metavar=("NAME", "TRAIN_ARGS", "QUALITY_ARGS"), required=True)
    p.add_argument("--plot")
    p.add_argument("--measured-only", action="store_true", help="leave out the budgets not trained yet instead of training them")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    factors = [float(f) for f in a.factors.split(",")]
    rows = []
    for factor in factors:
        for name, train_args, quality_args in a.slice:
            if a.measured_only and not os.path.exists(os.path.join(a.out, f"{name}-x{factor:g}.seconds")):
                continue
            model, seconds = train(a.cosingan, name, train_args, factor, a.out)
            rows.append(row(name, factor, seconds, measure(a.cosingan, model, quality_args)))
            print(f"measured {name} x{factor:g}: {seconds / 60:.1f} min", file=sys.stderr)
    print("| slice | iterations × | minutes | self SSIM (body) | PSNR dB | MAE lung | painted lesion − real infection | diversity | judge DSC lung / infection |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---|")
    for r in rows:
        gap = "—" if r["edit_gap"] is None else f"{r['edit_gap']:+.1f} {r['unit']}"
        div = "—" if r["diversity"] is None else f"{r['diversity']:.2f}"
        print(f"| {r['slice']} | {r['factor']:g} | {r['minutes']:.1f} | {r['ssim']:.3f} ({r['ssim_body']:.3f}) | {r['psnr']:.1f} | "
              f"{r['mae_lung']:.1f} {r['unit']} | {gap} | {div} | {r['judge']} |")
    if a.plot:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("no plot: python3-matplotlib is not installed", file=sys.stderr)
            return
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for name, _, _ in a.slice:
            rs = sorted((r for r in rows if r["slice"] == name), key=lambda r: r["minutes"])
            axes[0].plot([r["minutes"] for r in rs], [r["ssim"] for r in rs], "o-", label=f"{name}: self SSIM")
            if any(r["judge_lung"] is not None for r in rs):
                axes[1].plot([r["minutes"] for r in rs], [r["judge_lung"] for r in rs], "o-", label=f"{name}: judge lung DSC")
                axes[1].plot([r["minutes"] for r in rs], [r["judge_infection"] for r in rs], "s--", label=f"{name}: judge infection DSC")
        axes[0].set_ylabel("self-reconstruction SSIM")
        axes[1].set_ylabel("judge DSC on other slices' masks")
        for ax in axes:
            ax.set_xlabel("training minutes on this machine")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.suptitle("fast schedule, iterations scaled (cosingan quality)")
        fig.tight_layout()
        fig.savefig(a.plot, dpi=110)


if __name__ == "__main__":
    main()
