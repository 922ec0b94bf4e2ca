"""evaluate: scores the model on data/prepared/test.csv.

Writes metrics.json (accuracy, macro-averaged F1, precision and recall) and plots/confusion.csv
(each test row's actual and predicted class: DVC draws it as a confusion matrix), and logs both
to the training run (metrics as test_*).
"""

import pickle

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from project import ROOT, load_split, log_evaluation


def main():
    model = pickle.loads((ROOT / "models" / "model.pkl").read_bytes())
    features, actual = load_split("test")
    predicted = model.predict(features)
    metrics = {
        "accuracy": accuracy_score(actual, predicted),
        "f1_macro": f1_score(actual, predicted, average="macro"),
        "precision_macro": precision_score(actual, predicted, average="macro", zero_division=0),
        "recall_macro": recall_score(actual, predicted, average="macro", zero_division=0),
    }
    plots = ROOT / "plots"
    plots.mkdir(exist_ok=True)
    pd.DataFrame({"actual": actual, "predicted": predicted}).to_csv(plots / "confusion.csv", index=False)
    run = log_evaluation(metrics, [plots / "confusion.csv"])
    print(f"evaluate: accuracy {metrics['accuracy']:.3f}, F1 {metrics['f1_macro']:.3f} (run {run['run_id']})")


if __name__ == "__main__":
    main()
