"""Points the demo project's workspace settings at the venv that has MLflow, DVC and scikit-learn,
so Serve, Predict, changes to the store and pipeline runs work at once, with or without the Python
extension (mlWorkbench.python; python.defaultInterpreterPath for the Python extension).

  python scripts/demo/workspace_settings.py PROJECT_DIR INTERPRETER

Other settings in .vscode/settings.json are kept; a file that is not plain JSON (comments) is left
alone with a warning.
"""

import json
import sys
from pathlib import Path


def main():
    project, interpreter = Path(sys.argv[1]), sys.argv[2]
    path = project / ".vscode" / "settings.json"
    settings = {}
    if path.exists():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            print(f"demo: {path} is not plain JSON; set mlWorkbench.python to {interpreter} there yourself", file=sys.stderr)
            return
    wanted = {"mlWorkbench.python": interpreter, "python.defaultInterpreterPath": interpreter}
    if all(settings.get(key) == value for key, value in wanted.items()):
        return
    settings.update(wanted)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
