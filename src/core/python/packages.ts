/**
 * The Python packages ML Workbench runs in the user's interpreter, and which action needs which.
 * The probe looks each up by its import name; pip installs it by its distribution name.
 */

export const PYTHON_PACKAGES = {
  mlflow: { module: 'mlflow', distribution: 'mlflow', label: 'MLflow' },
  dvc: { module: 'dvc', distribution: 'dvc', label: 'DVC' },
  sklearn: { module: 'sklearn', distribution: 'scikit-learn', label: 'scikit-learn' },
  pandas: { module: 'pandas', distribution: 'pandas', label: 'pandas' },
  yaml: { module: 'yaml', distribution: 'PyYAML', label: 'PyYAML' },
  evidently: { module: 'evidently', distribution: 'evidently', label: 'Evidently' },
} as const;

export type PythonPackage = keyof typeof PYTHON_PACKAGES;

export const ALL_PACKAGES = Object.keys(PYTHON_PACKAGES) as PythonPackage[];

/** What the user asked for, in the words a message uses. */
export type PythonAction =
  | 'serve'
  | 'predict'
  | 'build-image'
  | 'write'
  | 'mlflow-run'
  | 'dvc-repro'
  | 'dvc-command'
  | 'python-script'
  | 'new-project'
  | 'create-store'
  | 'walkthrough'
  | 'evidently-report';

const NEEDS: Readonly<Record<PythonAction, readonly PythonPackage[]>> = {
  serve: ['mlflow'],
  predict: ['mlflow'],
  'build-image': ['mlflow'],
  write: ['mlflow'],
  'mlflow-run': ['mlflow'],
  'dvc-repro': ['dvc'],
  'dvc-command': ['dvc'],
  // A script may or may not import MLflow: any interpreter that runs will do.
  'python-script': [],
  // The scaffold's stages import all of these (templates/ml-project/common/requirements.txt).
  'new-project': ['mlflow', 'dvc', 'sklearn', 'pandas', 'yaml'],
  'create-store': ['mlflow'],
  walkthrough: ['mlflow', 'dvc'],
  // Open Full Evidently Report: Evidently reads the tables with pandas.
  'evidently-report': ['evidently', 'pandas'],
};

export function packagesFor(action: PythonAction): readonly PythonPackage[] {
  return NEEDS[action];
}

/** "MLflow", "MLflow and DVC", "MLflow, DVC and pandas". */
export function packageList(packages: readonly PythonPackage[]): string {
  const labels = packages.map((name) => PYTHON_PACKAGES[name].label);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** The `mlWorkbench` task kinds (core/tasks/definition.ts) mapped to the action they are. */
export function actionOfTask(task: string): PythonAction {
  switch (task) {
    case 'dvcRepro':
    case 'dvcExpRun':
      return 'dvc-repro';
    case 'mlflowRun':
      return 'mlflow-run';
    case 'modelsPredict':
      return 'predict';
    case 'modelsBuildDocker':
      return 'build-image';
    default:
      return 'python-script';
  }
}
