"""Writes the sample data New ML Project offers, from scikit-learn's built-in datasets (shipped
inside scikit-learn, nothing is downloaded):

  iris.csv      150 rows: 4 flower measurements (cm) and the species (classification)
  diabetes.csv  442 rows: 10 patient measurements, unscaled, and disease progression a year
                later (regression)

  python scripts/onboarding/make_samples.py OUT_DIR

The committed copies in templates/ml-project/samples/ are checked against this script's output by
test/contract/newProject.test.ts.
"""

import sys
from pathlib import Path

from sklearn.datasets import load_diabetes, load_iris


def iris():
    data = load_iris(as_frame=True)
    frame = data.frame.rename(columns=lambda name: name.replace(" (cm)", "").replace(" ", "_"))
    frame["species"] = [str(data.target_names[i]) for i in frame.pop("target")]
    return frame


def diabetes():
    frame = load_diabetes(as_frame=True, scaled=False).frame
    return frame.rename(columns={"target": "progression"})


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    # lineterminator: the same bytes on every platform; float_format keeps the source's precision.
    iris().to_csv(out / "iris.csv", index=False, lineterminator="\n", float_format="%.4g")
    diabetes().to_csv(out / "diabetes.csv", index=False, lineterminator="\n", float_format="%.6g")


if __name__ == "__main__":
    main()
