#!/usr/bin/env node
// A team's MLflow + DVC set-up on this machine, for trying the extension against it and for the
// tests: `mlflow server` on a throwaway PostgreSQL cluster with its artifacts proxied to S3, and
// an S3 API server that also holds a DVC remote. Debian ships PostgreSQL but no S3 server, so the
// S3 API is moto's (PyPI, pinned in scripts/python/requirements.txt) in server mode.
//
//   node scripts/team-server.mjs              # prints how to connect; Ctrl-C stops and removes it all
//   node scripts/team-server.mjs --json       # one JSON line on stdout once everything answers
//
// Options: --port N (MLflow's, default a free one), --workers N (uvicorn workers, default 1),
// --python PY (an interpreter with mlflow, moto[server,s3] and psycopg2: a user's own; default the
// repo's pinned venv from scripts/python-env.sh),
// --only-s3 (just the S3 server and its buckets: a DVC remote without MLflow),
// --stop-on-stdin-close (stop when the parent process goes away: tests), --pg-template DIR (start
// from a cluster saved by --pg-save instead of an empty one), --pg-save DIR (keep the cluster there
// after the stop: bench data made once). Everything listens on 127.0.0.1 only and lives in one temp
// folder that the stop removes. A rig whose script was killed outright (SIGKILL: no chance to
// stop) is stopped and removed by the next start. PostgreSQL refuses to run as root: as root,
// initdb and pg_ctl run as Debian's `postgres` user (or a system user `mlworkbench-pg` made for it).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUCKETS = { artifacts: 'mlflow-artifacts', dvc: 'dvc-remote' };
const DATABASE = 'mlflow';
const DB_USER = 'mlflow';
const PG_SYSTEM_USER = 'mlworkbench-pg';
const GRACE_MS = 5_000;
const DIR_PREFIX = 'mlw-team-';
/** In the rig's folder: which process owns it (see reapAbandoned). */
const OWNER_FILE = 'team-server.owner.json';

const options = parseOptions(process.argv.slice(2));
const log = (message) => process.stderr.write(`team-server: ${message}\n`);

/** Everything started so far, stopped in reverse order. */
const started = [];
let dir;
let stopping;

main().catch(async (error) => {
  log(error instanceof Error ? error.message : String(error));
  await stop(1);
});

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(0));
  if (options.stopOnStdinClose) {
    process.stdin.on('end', () => void stop(0)).on('error', () => void stop(0)).resume();
  }
  await reapAbandoned();
  const python = options.python ?? join(pythonVenv(), 'bin', 'python');
  const pg = options.onlyS3 ? undefined : postgresBinaries();
  dir = mkdtempSync(join(rigBase(Boolean(pg?.user)), DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid }));
  // The PostgreSQL user must be able to walk into the folder (as root it is not its owner).
  chmodSync(dir, 0o711);
  const [pgPort, s3Port, mlflowPort] = [await freePort(), await freePort(), options.port ?? (await freePort())];
  const keys = { accessKeyId: 'mlw-team', secretAccessKey: randomBytes(18).toString('hex'), region: 'us-east-1' };
  const [database] = await Promise.all([pg ? startPostgres(pg, pgPort) : undefined, startMoto(python, s3Port)]);
  const s3 = `http://${HOST}:${s3Port}`;
  for (const bucket of Object.values(BUCKETS)) await createBucket(s3, bucket);
  if (!database) {
    const info = { s3: { endpointUrl: s3, ...keys }, artifactsDestination: `s3://${BUCKETS.artifacts}`, dvcRemoteUrl: `s3://${BUCKETS.dvc}`, dir };
    process.stdout.write(options.json ? `${JSON.stringify(info)}\n` : `S3 API (moto) at ${s3}, buckets ${Object.values(BUCKETS).join(', ')}; Ctrl-C stops it.\n`);
    return;
  }
  const trackingUri = await startMlflow(python, mlflowPort, database.uri, s3, keys);
  const info = {
    trackingUri,
    backendStoreUri: database.uri,
    artifactsDestination: `s3://${BUCKETS.artifacts}`,
    s3: { endpointUrl: s3, ...keys },
    dvcRemoteUrl: `s3://${BUCKETS.dvc}`,
    dir,
    postgres: { port: pgPort, version: database.version },
  };
  if (options.json) process.stdout.write(`${JSON.stringify(info)}\n`);
  else process.stdout.write(instructions(info));
}

function instructions(info) {
  return `
Team server (local) is running. Ctrl-C stops it and removes everything it stored (${info.dir}).

  MLflow tracking server  ${info.trackingUri}   (PostgreSQL ${info.postgres.version} backend; artifacts proxied to ${info.artifactsDestination})
  S3 API (moto)           ${info.s3.endpointUrl}   (buckets ${BUCKETS.artifacts}, ${BUCKETS.dvc})

Point MLflow (and ML Workbench's mlWorkbench.trackingUri) at it:
  export MLFLOW_TRACKING_URI=${info.trackingUri}

Use its bucket as a DVC remote (credentials go to .dvc/config.local, never to git):
  dvc remote add -d team ${info.dvcRemoteUrl}
  dvc remote modify team endpointurl ${info.s3.endpointUrl}
  dvc remote modify --local team access_key_id ${info.s3.accessKeyId}
  dvc remote modify --local team secret_access_key ${info.s3.secretAccessKey}

`;
}

// ---------------------------------------------------------------- PostgreSQL

function postgresBinaries() {
  const find = () => {
    if (process.env.PG_BINDIR && existsSync(join(process.env.PG_BINDIR, 'initdb'))) return process.env.PG_BINDIR;
    const base = '/usr/lib/postgresql';
    const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))) : [];
    versions.sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? join(base, versions[0], 'bin') : undefined;
  };
  let bin = find();
  if (!bin) {
    log("PostgreSQL is not installed: installing Debian's package (scripts/apt-deps.sh postgresql)");
    const install = spawnSync('bash', [join(REPO, 'scripts', 'apt-deps.sh'), 'postgresql'], { stdio: ['ignore', 'inherit', 'inherit'] });
    bin = install.status === 0 ? find() : undefined;
    if (!bin) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: install Debian's postgresql package, or set PG_BINDIR");
  }
  return { bin, user: process.getuid?.() === 0 ? postgresUser() : undefined };
}

/** Folders rigs are made in: the temp folder, and /tmp when a private temp folder sends them there. */
function rigBases() {
  return [...new Set([tmpdir(), '/tmp'])];
}

/**
 * Where this rig's folder goes: the temp folder, unless PostgreSQL runs as another user (we are
 * root) who cannot walk into it (a private TMPDIR, as a sandbox or a per-session temp folder
 * makes): then /tmp, which every user may walk into.
 */
function rigBase(otherUser) {
  const base = tmpdir();
  if (!otherUser || searchableByAll(base)) return base;
  if (searchableByAll('/tmp')) {
    log(`${base} is private (PostgreSQL runs as its own user and could not reach its cluster there): the rig's folder goes under /tmp`);
    return '/tmp';
  }
  throw new Error(`PostgreSQL runs as its own user, who cannot walk into ${base}: set TMPDIR to a folder every user may walk into`);
}

/** Every folder from the root down to PATH lets other users through (their execute bit). */
function searchableByAll(path) {
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (dirname(current) === current) return true;
  }
}

/** The unprivileged user PostgreSQL runs as when we are root: Debian's, else one made for it. */
function postgresUser() {
  const known = (name) => spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
  if (known('postgres')) return 'postgres';
  if (!known(PG_SYSTEM_USER)) {
    log(`creating the system user ${PG_SYSTEM_USER} to run PostgreSQL (it refuses to run as root)`);
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', PG_SYSTEM_USER], { stdio: 'inherit' });
    if (made.status !== 0 && !known(PG_SYSTEM_USER)) throw new Error(`could not create the user ${PG_SYSTEM_USER} for PostgreSQL`);
  }
  return PG_SYSTEM_USER;
}

/** argv of a PostgreSQL tool, as the unprivileged user when we are root. */
function pgCommand(pg, tool, args) {
  const file = join(pg.bin, tool);
  return pg.user ? ['runuser', ['-u', pg.user, '--', file, ...args]] : [file, args];
}

function ownedByPostgres(pg, path) {
  if (!pg.user) return;
  const result = spawnSync('chown', ['-R', `${pg.user}:`, path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`chown -R ${pg.user}: ${path} failed: ${result.stderr}`);
}

async function startPostgres(pg, port) {
  const home = join(dir, 'pg');
  const data = join(home, 'data');
  mkdirSync(home, { mode: 0o700 });
  let password;
  if (options.pgTemplate) {
    const saved = JSON.parse(readFileSync(join(options.pgTemplate, 'rig.json'), 'utf8'));
    password = saved.password;
    cpSync(join(options.pgTemplate, 'data'), data, { recursive: true });
    chmodSync(data, 0o700);
  } else {
    password = randomBytes(12).toString('hex');
  }
  ownedByPostgres(pg, home);
  if (!options.pgTemplate) {
    const passwordFile = join(home, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    ownedByPostgres(pg, passwordFile);
    // Socket connections trust their local user; TCP (127.0.0.1) needs the password.
    await run(...pgCommand(pg, 'initdb', ['-D', data, '-U', DB_USER, `--pwfile=${passwordFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']), home);
    rmSync(passwordFile);
    writeFileSync(join(data, 'postgresql.conf'), `${readFileSync(join(data, 'postgresql.conf'), 'utf8')}\ninclude_if_exists = 'rig.conf'\n`);
  }
  // A throwaway cluster: no durability settings worth their cost, and only this machine may connect.
  const settings = [`port = ${port}`, `listen_addresses = '${HOST}'`, `unix_socket_directories = '${home}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];
  writeFileSync(join(data, 'rig.conf'), `${settings.join('\n')}\n`);
  ownedByPostgres(pg, data);
  const logFile = join(home, 'postgresql.log');
  closeSync(openSync(logFile, 'a'));
  ownedByPostgres(pg, logFile);
  await run(...pgCommand(pg, 'pg_ctl', ['-D', data, '-l', logFile, '-w', '-s', '-t', '60', 'start']), home, () => tail(logFile));
  started.push({ name: 'PostgreSQL', stop: () => stopPostgres(pg, data, password) });
  const env = { ...process.env, PGPASSWORD: password };
  if (!options.pgTemplate) await run(join(pg.bin, 'createdb'), ['-h', HOST, '-p', String(port), '-U', DB_USER, DATABASE], home, undefined, env);
  const version = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();
  return { uri: `postgresql+psycopg2://${DB_USER}:${password}@${HOST}:${port}/${DATABASE}`, version };
}

async function stopPostgres(pg, data, password) {
  const [file, args] = pgCommand(pg, 'pg_ctl', ['-D', data, '-w', '-s', '-t', '30', '-m', 'fast', 'stop']);
  await run(file, args, dirname(data)).catch((error) => log(`pg_ctl stop: ${error.message}`));
  if (options.pgSave) {
    const target = resolve(options.pgSave);
    const staging = `${target}.saving`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    cpSync(data, join(staging, 'data'), { recursive: true });
    rmSync(join(staging, 'data', 'postmaster.pid'), { force: true });
    writeFileSync(join(staging, 'rig.json'), JSON.stringify({ user: DB_USER, database: DATABASE, password }));
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    log(`cluster saved to ${target}`);
  }
}

// ---------------------------------------------------------------- S3 (moto) and MLflow

async function startMoto(python, port) {
  const server = spawnLogged('moto', python, ['-m', 'moto.server', '-H', HOST, '-p', String(port)], process.env);
  await waitFor(`http://${HOST}:${port}/moto-api/`, server, 60_000);
}

async function createBucket(endpoint, bucket) {
  // moto checks no signature by default, so a plain PUT creates the bucket (path-style).
  const response = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  if (!response.ok) throw new Error(`moto answered ${response.status} to creating the bucket ${bucket}: ${await response.text()}`);
}

async function startMlflow(python, port, backendUri, s3, keys) {
  // The backend URI holds the database password: it goes in the environment, not in argv (ps).
  const args = ['-m', 'mlflow', 'server', '--serve-artifacts', '--artifacts-destination', `s3://${BUCKETS.artifacts}`];
  args.push('--host', HOST, '--port', String(port), '--workers', String(options.workers));
  const env = {
    ...process.env,
    MLFLOW_BACKEND_STORE_URI: backendUri,
    MLFLOW_S3_ENDPOINT_URL: s3,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_DEFAULT_REGION: keys.region,
    // Its job runner would add huey consumers nothing here uses.
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
    PYTHONWARNINGS: 'ignore',
  };
  delete env.MLFLOW_TRACKING_URI;
  const server = spawnLogged('mlflow', python, args, env);
  const url = `http://${HOST}:${port}`;
  await waitFor(`${url}/health`, server, 180_000);
  return url;
}

/** A server in its own process group (uvicorn forks workers), its output in DIR/NAME.log. */
function spawnLogged(name, file, args, env) {
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(file, args, { cwd: dir, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const entry = { name, child, logFile, stop: () => stopGroup(child) };
  started.push(entry);
  return entry;
}

async function waitFor(url, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { child } = server;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${server.name} exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${tail(server.logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${server.name} did not answer ${url} within ${timeoutMs / 1000} s:\n${tail(server.logFile)}`);
}

async function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pgid = child.pid;
  const kill = (signal) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // Gone already.
    }
  };
  const gone = new Promise((resolveExit) => child.once('exit', resolveExit));
  kill('SIGTERM');
  const timedOut = await Promise.race([gone.then(() => false), sleep(GRACE_MS).then(() => true)]);
  // Even when the leader exited, a forked worker may linger: the group gets SIGKILL either way.
  kill('SIGKILL');
  if (timedOut) await gone;
}

// ---------------------------------------------------------------- rigs left behind

/**
 * Stops and removes the rigs whose script is gone without its stop (killed by SIGKILL, or its
 * machine's session ended): a folder with our owner file whose process is no longer this script.
 * Their servers are found by their working directory, which each has inside the rig's folder
 * (spawnLogged's cwd; PostgreSQL's is its data directory), so no other process is touched.
 */
async function reapAbandoned() {
  // Processes are told by /proc/PID/cwd: Linux only (elsewhere a killed rig stays for the user to remove).
  if (!existsSync('/proc/self/cwd')) return;
  const folders = [];
  for (const base of rigBases()) {
    try {
      for (const name of readdirSync(base)) if (name.startsWith(DIR_PREFIX)) folders.push(join(base, name));
    } catch {
      // No such folder, or not ours to read.
    }
  }
  for (const folder of folders) {
    let owner;
    try {
      owner = JSON.parse(readFileSync(join(folder, OWNER_FILE), 'utf8'));
    } catch {
      continue; // Not a rig's folder, or one being made this instant.
    }
    // Alive: its process still runs this script (argv holds the path as typed, so its name is matched).
    if (Number.isInteger(owner.pid) && commandLine(owner.pid).includes('team-server.mjs')) continue;
    log(`stopping and removing a rig whose script (process ${owner.pid}) was killed: ${folder}`);
    // PostgreSQL first, by SIGQUIT (its immediate shutdown: it frees its shared memory, as SIGKILL would not).
    const postmaster = Number(readFirstLine(join(folder, 'pg', 'data', 'postmaster.pid')));
    if (postmaster > 0 && processCwd(postmaster) === join(folder, 'pg', 'data')) signal(postmaster, 'SIGQUIT');
    for (let waited = 0; waited < GRACE_MS && processesIn(folder).length > 0; waited += 200) {
      for (const pid of processesIn(folder)) if (pid !== postmaster) signal(pid, 'SIGTERM');
      await sleep(200);
    }
    for (const pid of processesIn(folder)) signal(pid, 'SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The processes whose working directory is FOLDER or inside it. */
function processesIn(folder) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = processCwd(Number(entry));
    if (cwd && (cwd === folder || cwd.startsWith(`${folder}/`))) found.push(Number(entry));
  }
  return found;
}

function processCwd(pid) {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function readFirstLine(file) {
  try {
    return readFileSync(file, 'utf8').split('\n')[0];
  } catch {
    return '';
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

// ---------------------------------------------------------------- shared

async function stop(code) {
  stopping ??= (async () => {
    for (const item of started.reverse()) {
      try {
        await item.stop();
      } catch (error) {
        log(`stopping ${item.name}: ${error.message}`);
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}

function run(file, args, cwd, describe, env = process.env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      if (status === 0) resolveRun(output);
      else reject(new Error(`${[file, ...args].join(' ')} exited ${status}:\n${output}${describe ? `\n${describe()}` : ''}`));
    });
  });
}

function pythonVenv() {
  const result = spawnSync('bash', [join(REPO, 'scripts', 'python-env.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error('scripts/python-env.sh failed: the pinned venv (MLflow, moto) is needed');
  return result.stdout.trim();
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '';
  }
}

function sleep(ms) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

function parseOptions(argv) {
  const parsed = { json: false, stopOnStdinClose: false, onlyS3: false, workers: 1, port: undefined, python: undefined, pgTemplate: undefined, pgSave: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) usage(`${arg} needs a value`);
      return next;
    };
    if (arg === '--json') parsed.json = true;
    else if (arg === '--stop-on-stdin-close') parsed.stopOnStdinClose = true;
    else if (arg === '--only-s3') parsed.onlyS3 = true;
    else if (arg === '--workers') parsed.workers = positive(arg, value());
    else if (arg === '--port') parsed.port = positive(arg, value());
    else if (arg === '--python') parsed.python = value();
    else if (arg === '--pg-template') parsed.pgTemplate = resolve(value());
    else if (arg === '--pg-save') parsed.pgSave = resolve(value());
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown option ${arg}`);
  }
  return parsed;
}

function positive(name, text) {
  if (!/^\d+$/.test(text) || Number(text) < 1) usage(`${name} must be a positive integer`);
  return Number(text);
}

function usage(problem) {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  const text = lines.slice(0, lines.findIndex((line) => !line.startsWith('//'))).map((line) => line.replace(/^\/\/ ?/, '')).join('\n');
  // Synchronous: process.exit() right after would cut an asynchronous write to a pipe short.
  writeSync(problem ? 2 : 1, `${problem ? `team-server: ${problem}\n\n` : ''}${text}\n`);
  process.exit(problem ? 2 : 0);
}
