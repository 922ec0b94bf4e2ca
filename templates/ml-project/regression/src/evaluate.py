"""evaluate: scores the model on data/prepared/test.csv.

Writes metrics.json (RMSE, MAE and R²) and plots/predictions.csv (each test row's actual and
predicted value: DVC draws it as a scatter plot), and logs both to the training run (metrics as
test_*).
"""

import pickle

import pandas as pd
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from project import ROOT, load_split, log_evaluation


def main():
    model = pickle.loads((ROOT / "models" / "model.pkl").read_bytes())
    features, actual = load_split("test")
    predicted = model.predict(features)
    metrics = {
        "rmse": mean_squared_error(actual, predicted) ** 0.5,
        "mae": mean_absolute_error(actual, predicted),
        "r2": r2_score(actual, predicted),
    }
    plots = ROOT / "plots"
    plots.mkdir(exist_ok=True)
    pd.DataFrame({"actual": actual, "predicted": predicted}).to_csv(plots / "predictions.csv", index=False)
    run = log_evaluation(metrics, [plots / "predictions.csv"])
    print(f"evaluate: RMSE {metrics['rmse']:.3f}, R² {metrics['r2']:.3f} (run {run['run_id']})")


if __name__ == "__main__":
    main()
