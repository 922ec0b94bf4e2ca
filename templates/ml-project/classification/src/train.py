"""train: fits a random forest classifier on data/prepared/train.csv, logged to MLflow.

MLflow's autologging records the estimator's parameters, its training metrics, the training
dataset, and the model with its signature and an input example; the parameters from params.yaml
and the raw data's version are logged beside them. Writes models/model.pkl and models/run.json.
"""

from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline

from project import features_transformer, load_split, log_training_context, params, save_training, use_mlflow


def main():
    p = params()
    settings = p["train"]
    mlflow = use_mlflow()
    mlflow.sklearn.autolog(log_input_examples=True, log_model_signatures=True, silent=True)
    features, target = load_split("train")
    model = make_pipeline(
        features_transformer(features),
        RandomForestClassifier(n_estimators=settings["n_estimators"], max_depth=settings["max_depth"], random_state=settings["seed"]),
    )
    with mlflow.start_run(run_name=f"forest-{settings['n_estimators']}-depth-{settings['max_depth']}") as run:
        log_training_context(mlflow, p)
        model.fit(features, target)
    record = save_training(run, model)
    print(f"train: run {record['run_id']}, model {record['model_uri']}")


if __name__ == "__main__":
    main()
