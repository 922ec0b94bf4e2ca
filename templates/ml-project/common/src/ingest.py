"""ingest: brings the incoming data file into data/raw/, unchanged, and seals it.

The file is copied byte for byte, a MANIFEST.json beside it records its sha256, rows and columns,
and both are made read-only: every later stage reads data/raw/, none may change it. DVC versions
data/raw/ as this stage's output, so each version of the raw data stays reachable from git history.

New data: replace the file in data/incoming/ (then `dvc add` it again) and run the pipeline.
"""

import csv
import hashlib
import json
import shutil
import stat
import sys

from project import ROOT, params


def main():
    name = params()["data"]["file"]
    source = ROOT / "data" / "incoming" / name
    raw = ROOT / "data" / "raw"
    if not source.is_file():
        sys.exit(f"ingest: {source.relative_to(ROOT)} is missing: put the data file there (dvc add it) and run again.")
    raw.mkdir(parents=True, exist_ok=True)
    target = raw / name
    shutil.copyfile(source, target)
    with target.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        columns = next(reader, [])
        rows = sum(1 for _ in reader)
    manifest = {
        "file": name,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "rows": rows,
        "columns": columns,
    }
    (raw / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for path in (target, raw / "MANIFEST.json"):
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    print(f"ingest: {name}: {rows} rows, {len(columns)} columns, sha256 {manifest['sha256'][:12]}… (read-only in data/raw/)")


if __name__ == "__main__":
    main()
