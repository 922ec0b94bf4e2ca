/**
 * The program PythonTrackingWriter runs with `python -c WRITE_SCRIPT REQUEST`: REQUEST is one argv
 * element holding JSON (ASCII only), so no value is ever parsed by a shell or by Python's syntax.
 * It writes exactly one JSON object to stdout: `{"result": ...}` or `{"error_code", "message"}`.
 * Anything MLflow prints goes to stderr (sys.stdout is swapped), so it cannot corrupt the answer.
 *
 * Error codes of its own (the rest are MLflow's ErrorCode names):
 *   MLW_MLFLOW_MISSING    `import mlflow` raised ImportError
 *   MLW_MLFLOW_TOO_OLD    MlflowClient lacks the method, or the method lacks an argument
 *   MLW_PYTHON_ERROR      any other exception (its type in `type`)
 *
 * Kept compatible with Python 3.8 and MLflow 2.x syntax-wise: no match, no walrus-only features.
 */
export const WRITE_SCRIPT = String.raw`
import sys
# -c puts '' (the working directory) first on sys.path: a workspace file named mlflow.py or
# json.py must not be imported in place of the real module.
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
import json

answer = sys.stdout
sys.stdout = sys.stderr


def reply(obj):
    answer.write(json.dumps(obj, ensure_ascii=True))
    answer.flush()


def message_of(error):
    return getattr(error, "message", None) or str(error) or type(error).__name__


def ensure_registered_model(client, name, MlflowException):
    try:
        client.create_registered_model(name)
    except MlflowException as error:
        if error.error_code not in ("RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"):
            raise


def create_model_version(client, op, MlflowException):
    from mlflow.utils.proto_json_utils import message_to_json

    ensure_registered_model(client, op["name"], MlflowException)
    kwargs = {"await_creation_for": 0}
    if op.get("model_id"):
        kwargs["model_id"] = op["model_id"]
    version = client.create_model_version(op["name"], op["source"], op.get("run_id"), **kwargs)
    return json.loads(message_to_json(version.to_proto()))


OPERATIONS = {
    "rename_run": ("update_run", lambda c, o: c.update_run(o["run_id"], name=o["name"])),
    "set_run_tag": ("set_tag", lambda c, o: c.set_tag(o["run_id"], o["key"], o["value"])),
    "delete_run_tag": ("delete_tag", lambda c, o: c.delete_tag(o["run_id"], o["key"])),
    "delete_run": ("delete_run", lambda c, o: c.delete_run(o["run_id"])),
    "restore_run": ("restore_run", lambda c, o: c.restore_run(o["run_id"])),
    "set_registered_model_alias": ("set_registered_model_alias",
        lambda c, o: c.set_registered_model_alias(o["name"], o["alias"], o["version"])),
    "delete_registered_model_alias": ("delete_registered_model_alias",
        lambda c, o: c.delete_registered_model_alias(o["name"], o["alias"])),
    "set_registered_model_tag": ("set_registered_model_tag",
        lambda c, o: c.set_registered_model_tag(o["name"], o["key"], o["value"])),
    "delete_registered_model_tag": ("delete_registered_model_tag",
        lambda c, o: c.delete_registered_model_tag(o["name"], o["key"])),
    "set_model_version_tag": ("set_model_version_tag",
        lambda c, o: c.set_model_version_tag(o["name"], o["version"], o["key"], o["value"])),
    "delete_model_version_tag": ("delete_model_version_tag",
        lambda c, o: c.delete_model_version_tag(o["name"], o["version"], o["key"])),
    "update_registered_model_description": ("update_registered_model",
        lambda c, o: c.update_registered_model(o["name"], description=o["description"])),
    "update_model_version_description": ("update_model_version",
        lambda c, o: c.update_model_version(o["name"], o["version"], description=o["description"])),
}


def main():
    request = json.loads(sys.argv[1])
    try:
        import mlflow
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException
    except ImportError as error:
        return {"error_code": "MLW_MLFLOW_MISSING", "message": message_of(error)}
    version = getattr(mlflow, "__version__", "unknown")
    op = request["operation"]
    uri = request["tracking_uri"]
    # The stores call MlflowClient() without a URI for some lookups (the logged model behind a
    # models:/ source): the process-wide URIs must name the same store, never ./mlflow.db.
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    if op["op"] == "create_model_version":
        method, call = "create_model_version", lambda c, o: create_model_version(c, o, MlflowException)
    else:
        method, call = OPERATIONS[op["op"]]
    if not hasattr(client, method):
        return {"error_code": "MLW_MLFLOW_TOO_OLD", "message": "MlflowClient." + method + " does not exist", "mlflow_version": version}
    try:
        result = call(client, op)
        if op["op"] != "create_model_version":
            result = None
    except MlflowException as error:
        return {"error_code": error.error_code, "message": message_of(error), "mlflow_version": version}
    except TypeError as error:
        if "unexpected keyword argument" in str(error):
            return {"error_code": "MLW_MLFLOW_TOO_OLD", "message": message_of(error), "mlflow_version": version}
        raise
    return {"result": result, "mlflow_version": version}


try:
    reply(main())
except BaseException as error:
    reply({"error_code": "MLW_PYTHON_ERROR", "type": type(error).__name__, "message": message_of(error)})
    sys.exit(1)
`;
