"""validate: checks the raw data against schema.yaml and stops the pipeline when it does not hold.

The checks: enough rows; exactly the columns the schema names; per column its type (int, float,
category, string), no missing values unless `nullable: true`, numbers within `min`..`max`,
categories among `values`; for a classification target, at least two classes with two rows each.
Duplicate rows are reported (prepare drops them) without failing.

The report is printed (each problem with the CSV lines it was found on) and written to
reports/validation.json; any error exits with status 1, so `dvc repro` stops here and nothing
downstream trains on bad data. Data right and schema wrong? Edit schema.yaml and run again.
"""

import json
import sys

import pandas as pd
import yaml

from project import ROOT, params, raw_file

SHOWN = 5  # lines quoted per problem


def count(n, word, plural=None):
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def are(n):
    return "is" if n == 1 else "are"


def lines(mask):
    """CSV line numbers (the header is line 1) of the rows where mask holds."""
    found = [int(i) + 2 for i in mask[mask].index[:SHOWN]]
    more = int(mask.sum()) - len(found)
    return ", ".join(map(str, found)) + (f" and {more} more" if more > 0 else "")


def check_column(name, spec, column, errors):
    kind = spec.get("type", "string")
    missing = column.isna()
    if missing.any() and not spec.get("nullable", False):
        errors.append(f"{name}: {count(int(missing.sum()), 'missing value')} (lines {lines(missing)}); the schema says nullable: false")
    present = column[~missing]
    if kind in ("int", "float"):
        numbers = pd.to_numeric(present, errors="coerce")
        bad = numbers.isna()
        if bad.any():
            examples = ", ".join(repr(v) for v in present[bad].head(SHOWN))
            errors.append(f"{name}: {count(int(bad.sum()), 'value')} {are(int(bad.sum()))} not a number (lines {lines(bad)}: {examples})")
        numbers = numbers[~bad]
        if kind == "int" and (numbers % 1 != 0).any():
            fractional = numbers % 1 != 0
            errors.append(f"{name}: {count(int(fractional.sum()), 'value')} {are(int(fractional.sum()))} not a whole number (lines {lines(fractional)})")
        for bound, outside in (("min", numbers < spec.get("min", float("-inf"))), ("max", numbers > spec.get("max", float("inf")))):
            if outside.any():
                word = "below" if bound == "min" else "above"
                examples = ", ".join(str(v) for v in numbers[outside].head(SHOWN))
                errors.append(f"{name}: {count(int(outside.sum()), 'value')} {word} {bound} {spec[bound]} (lines {lines(outside)}: {examples})")
    elif kind == "category" and "values" in spec:
        allowed = {str(v) for v in spec["values"]}
        unknown = ~present.astype(str).isin(allowed)
        if unknown.any():
            examples = ", ".join(sorted({repr(v) for v in present[unknown].astype(str)})[:SHOWN])
            errors.append(f"{name}: {count(int(unknown.sum()), 'value')} outside {sorted(allowed)} (lines {lines(unknown)}: {examples})")


def validate(frame, schema, task):
    errors, warnings = [], []
    expected = schema.get("columns", {})
    if len(frame) < schema.get("min_rows", 1):
        errors.append(f"rows: {len(frame)}, fewer than min_rows {schema['min_rows']}")
    missing = [name for name in expected if name not in frame.columns]
    extra = [name for name in frame.columns if name not in expected]
    if missing:
        errors.append(f"columns missing from the data: {', '.join(missing)}")
    if extra:
        errors.append(f"columns the schema does not describe: {', '.join(extra)} (add them to schema.yaml, or remove them from the data)")
    for name, spec in expected.items():
        if name in frame.columns:
            check_column(name, spec or {}, frame[name], errors)
    target = schema.get("target")
    if task == "classification" and target in frame.columns:
        counts = frame[target].value_counts()
        if len(counts) < 2:
            errors.append(f"{target}: {count(len(counts), 'class', 'classes')}; a classifier needs at least two")
        rare = counts[counts < 2]
        if len(rare) > 0:
            errors.append(f"{target}: classes with a single row cannot be split into train and test: {', '.join(map(str, rare.index))}")
    duplicated = frame.duplicated()
    if duplicated.any():
        warnings.append(f"{count(int(duplicated.sum()), 'duplicate row')} (lines {lines(duplicated)}); prepare drops them")
    return errors, warnings


def main():
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    source = raw_file()
    schema = yaml.safe_load((ROOT / "schema.yaml").read_text(encoding="utf-8")) or {}
    frame = pd.read_csv(source)
    errors, warnings = validate(frame, schema, params()["data"]["task"])
    report = {"ok": not errors, "file": str(source.relative_to(ROOT)), "rows": len(frame), "columns": list(frame.columns), "errors": errors, "warnings": warnings}
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "validation.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"validate: {report['file']} against schema.yaml: {len(frame)} rows, {len(frame.columns)} columns")
    for message in errors:
        print(f"  ✗ {message}")
    for message in warnings:
        print(f"  ! {message}")
    if errors:
        print(f"validate: FAILED with {len(errors)} problem{'s' if len(errors) != 1 else ''} (reports/validation.json).")
        print("  Fix the data in data/incoming/ (or schema.yaml, if the data is right), then run the pipeline again.")
        sys.exit(1)
    noted = f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    print(f"validate: passed ({len(schema.get('columns', {}))} columns checked{noted})")


if __name__ == "__main__":
    main()
