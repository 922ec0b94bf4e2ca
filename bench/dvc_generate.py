"""Generates (once; cached) the DVC benchmark repositories with real DVC.

    python bench/dvc_generate.py main  --out DIR   20 stages over 2,000 files, 1 GiB; `dvc repro`
    python bench/dvc_generate.py many  --out DIR   one `dvc add`ed folder of 100,000 small files

Writes DIR/.complete when done; a second call with the same DIR returns at once. DVC's state DB
goes to $DVC_SITE_CACHE_DIR when set (the harness points it at a folder it can delete).
"""

import argparse
import os
import subprocess
import sys

STAGES = 20
FILES_PER_STAGE = 100
FILE_SIZE = 512 * 1024  # 2,000 files x 512 KiB = 1 GiB
MANY_FILES = 100_000


def run(args, cwd):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}")
        raise SystemExit(1)


def init(out):
    os.makedirs(out, exist_ok=True)
    run(["git", "init", "-q"], out)
    run(["git", "config", "user.email", "bench@example.com"], out)
    run(["git", "config", "user.name", "Bench"], out)
    run(["dvc", "init", "-q"], out)


def main_repo(out):
    for s in range(STAGES):
        part = os.path.join(out, "data", f"part{s:02d}")
        os.makedirs(part, exist_ok=True)
        for f in range(FILES_PER_STAGE):
            with open(os.path.join(part, f"f{f:03d}.bin"), "wb") as fobj:
                fobj.write(os.urandom(FILE_SIZE))
    with open(os.path.join(out, "params.yaml"), "w") as f:
        f.write("seed: 1\nscale: 0.5\n")
    lines = ["stages:"]
    for s in range(STAGES):
        deps = [f"data/part{s:02d}"] + ([f"out/s{s - 1:02d}.txt"] if s % 2 else [])
        lines += [
            f"  s{s:02d}:",
            f"    cmd: mkdir -p out && cat {' '.join(d + ('/*' if d.startswith('data') else '') for d in deps)} | md5sum > out/s{s:02d}.txt",
            f"    deps: [{', '.join(deps)}]",
            "    params: [seed, scale]",
            f"    outs: [out/s{s:02d}.txt]",
        ]
    with open(os.path.join(out, "dvc.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    run(["dvc", "repro", "-q"], out)


def many_repo(out):
    big = os.path.join(out, "big")
    for i in range(MANY_FILES):
        sub = os.path.join(big, f"d{i % 100:02d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"f{i:06d}.txt"), "w") as f:
            f.write(f"{i}\n")
    run(["dvc", "add", "-q", "big"], out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["main", "many"])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(os.path.join(out, ".complete")):
        return
    if os.path.exists(out):
        subprocess.run(["rm", "-rf", out], check=True)
    init(out)
    (main_repo if args.kind == "main" else many_repo)(out)
    run(["git", "add", "-A"], out)
    run(["git", "commit", "-qm", "bench"], out)
    open(os.path.join(out, ".complete"), "w").close()


if __name__ == "__main__":
    main()
