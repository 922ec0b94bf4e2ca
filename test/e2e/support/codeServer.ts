/**
 * The server half of the rig: a code-server (real VS Code workbench, extension host on Node 24) in
 * throwaway folders, so nothing touches the real home. Recipe: /work/shared/VSCODE-E2E.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, LOCALHOST, waitForHealthy } from './processes';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** Keep in step with the extension's manifest (publisher.name). */
export const EXTENSION_ID = 'ml-workbench.ml-workbench';

let codeServerBin: string | undefined;

/** Path of the code-server wrapper; installs code-server into the cache on first use (~2-3 min). */
export function codeServerPath(): string {
  if (!codeServerBin) {
    const dir = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'code-server.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    codeServerBin = join(dir, 'bin', 'code-server');
  }
  return codeServerBin;
}

/** Throwaway folders of one workbench; `root` holds them all and is removed on stop. */
export interface Sandbox {
  readonly root: string;
  readonly home: string;
  readonly userData: string;
  readonly extensions: string;
  readonly browserProfile: string;
  readonly config: string;
  readonly env: NodeJS.ProcessEnv;
}

export function makeSandbox(root: string): Sandbox {
  const dir = (name: string): string => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const home = dir('home');
  const config = join(root, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: dir('home/.config'),
    XDG_DATA_HOME: dir('home/.local/share'),
    XDG_CACHE_HOME: dir('home/.cache'),
    TMPDIR: dir('tmp'),
  };
  // The extension resolves the store as MLflow does; an inherited URI would point elsewhere.
  delete env.MLFLOW_TRACKING_URI;
  delete env.VSCODE_IPC_HOOK_CLI;
  return { root, home, userData: dir('user-data'), extensions: dir('extensions'), browserProfile: dir('browser'), config, env };
}

export interface SettingsOptions {
  readonly trust: boolean;
  readonly theme: string;
  readonly settings?: Readonly<Record<string, unknown>>;
  /** User keybindings (keybindings.json entries), e.g. a key that runs a command with arguments. */
  readonly keybindings?: readonly Readonly<Record<string, unknown>>[];
}

/** User settings: quiet, deterministic start (no welcome page, walkthroughs, telemetry, updates). */
export function writeUserSettings(sandbox: Sandbox, options: SettingsOptions): void {
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': options.theme,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'security.workspace.trust.enabled': !options.trust,
    // Untrusted means restricted mode without the modal asking to trust the folder.
    'security.workspace.trust.startupPrompt': 'never',
    ...options.settings,
  };
  const userDir = join(sandbox.userData, 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
  if (options.keybindings) writeFileSync(join(userDir, 'keybindings.json'), JSON.stringify(options.keybindings, null, 2));
}

export function installVsix(sandbox: Sandbox, vsix: string): void {
  const args = ['--config', sandbox.config, '--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions, '--install-extension', vsix];
  let output: string;
  try {
    output = execFileSync(codeServerPath(), args, { env: sandbox.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`installing ${vsix} failed:\n${stdout}${stderr}`);
  }
  if (!readdirSync(sandbox.extensions).some((name) => name.toLowerCase().startsWith(`${EXTENSION_ID}-`))) {
    throw new Error(`installing ${vsix} left no ${EXTENSION_ID} in ${sandbox.extensions}:\n${output}`);
  }
}

export interface RunningServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the server printed so far (stdout and stderr interleaved). */
  output(): string;
}

export async function startServer(sandbox: Sandbox, workspace: string, trust: boolean): Promise<RunningServer> {
  const port = await freePort();
  const args = [
    '--auth', 'none',
    '--bind-addr', `${LOCALHOST}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust ? ['--disable-workspace-trust'] : []),
    '--config', sandbox.config,
    '--user-data-dir', sandbox.userData,
    '--extensions-dir', sandbox.extensions,
    '--reconnection-grace-time', '5',
    workspace,
  ];
  // detached: its own process group, so a SIGKILL fallback reaches its children and nothing else.
  const child = spawn(codeServerPath(), args, { env: sandbox.env, cwd: sandbox.home, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const output = (): string => chunks.join('');
  const url = `http://${LOCALHOST}:${port}`;
  await waitForHealthy(`${url}/healthz`, child, 30_000, output);
  return { child, url, output };
}

/** Files under `dir`, recursively, sorted. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : [path];
    });
}

/**
 * The extension host's logs: `logs/<session>/exthost1/` holds the host's own log
 * (remoteexthost.log: activation, uncaught errors) and one folder per extension with its
 * LogOutputChannel. Built-in extensions' channels (git, GitHub auth) are noise here.
 */
export function extensionHostLogs(sandbox: Sandbox): string {
  const ours = (path: string): boolean =>
    /[\\/]exthost\d*[\\/](remote)?exthost\.log$/.test(path) || path.includes(`/${EXTENSION_ID}/`) || /output_logging_.*ML Workbench/.test(path);
  const files = walk(join(sandbox.userData, 'logs')).filter((path) => path.endsWith('.log') && ours(path));
  return files
    .filter((path) => statSync(path).size > 0)
    .map((path) => `===== ${path.slice(sandbox.userData.length + 1)}\n${readFileSync(path, 'utf8')}`)
    .join('\n');
}
