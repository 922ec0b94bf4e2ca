import assert from 'node:assert/strict';
import test from 'node:test';
import { TrackingError } from '../../src/core/tracking/errors.js';
import { credentialsFilePath, restOptionsFromEnvironment } from '../../src/core/tracking/rest/environment.js';
import { parseIni } from '../../src/core/tracking/rest/ini.js';

const DEFAULTS = { auth: {}, tls: {}, timeoutMs: 120_000, retry: { maxRetries: 7, baseDelayMs: 2_000 } };

const invalidArgument = (pattern: RegExp) => (error: unknown) => error instanceof TrackingError && error.reason === 'invalid-argument' && pattern.test(error.message);

test("a silent environment gives MLflow's defaults: no auth, verified TLS, 120 s, 7 retries, factor 2", () => {
  assert.deepEqual(restOptionsFromEnvironment({}), DEFAULTS);
  assert.deepEqual(restOptionsFromEnvironment({}, ''), DEFAULTS);
});

test('every variable lands in its option', () => {
  const options = restOptionsFromEnvironment({
    MLFLOW_TRACKING_USERNAME: 'ada',
    MLFLOW_TRACKING_PASSWORD: 'pw',
    MLFLOW_TRACKING_TOKEN: 'tok',
    MLFLOW_TRACKING_INSECURE_TLS: 'TRUE',
    MLFLOW_TRACKING_SERVER_CERT_PATH: '/etc/ca.pem',
    MLFLOW_HTTP_REQUEST_TIMEOUT: ' 30 ',
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3',
    MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0',
  });
  assert.deepEqual(options, {
    auth: { username: 'ada', password: 'pw', token: 'tok' },
    tls: { insecure: true, caPath: '/etc/ca.pem' },
    timeoutMs: 30_000,
    retry: { maxRetries: 3, baseDelayMs: 0 },
  });
});

test('user name and password each fall back to the [mlflow] section of ~/.mlflow/credentials', () => {
  const file = '[mlflow]\nmlflow_tracking_username = file-user\nmlflow_tracking_password = file-pw\n';
  assert.deepEqual(restOptionsFromEnvironment({}, file).auth, { username: 'file-user', password: 'file-pw' });
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_USERNAME: 'env-user' }, file).auth, { username: 'env-user', password: 'file-pw' });
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_PASSWORD: 'env-pw' }, file).auth, { username: 'file-user', password: 'env-pw' });
  // `username_env or username_file`: an empty variable falls through to the file.
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_USERNAME: '' }, file).auth, { username: 'file-user', password: 'file-pw' });
});

test('the token comes from the environment only, and an empty one is no token', () => {
  const file = '[mlflow]\nmlflow_tracking_token = from-file\n';
  assert.deepEqual(restOptionsFromEnvironment({}, file).auth, {});
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_TOKEN: '' }).auth, {});
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_TOKEN: 't' }).auth, { token: 't' });
});

test('the credentials file is read with configparser rules: case-insensitive keys, both delimiters, comments, DEFAULT, %%', () => {
  const file = [
    '# written by hand',
    '[DEFAULT]',
    'MLFLOW_TRACKING_PASSWORD: fallback',
    '',
    '[other]',
    'mlflow_tracking_username = not-this-one',
    '[mlflow]',
    '; the user',
    'MLflow_Tracking_Username=ada ',
  ].join('\n');
  assert.deepEqual(restOptionsFromEnvironment({}, file).auth, { username: 'ada', password: 'fallback' });
  const percent = '[mlflow]\nmlflow_tracking_username = u\nmlflow_tracking_password = 100%%sure\n';
  assert.deepEqual(restOptionsFromEnvironment({}, percent).auth, { username: 'u', password: '100%sure' });
  assert.deepEqual(restOptionsFromEnvironment({}, '[MLflow]\nmlflow_tracking_username = u\n').auth, {}, 'section names are case-sensitive');
});

test('INI interpolation, continuation lines and the errors configparser raises', () => {
  const ini = parseIni('[s]\nbase = x\nfull = %(BASE)s-y\nlong = a\n  b\n\n  c\nnext = d\n', 'f.ini');
  assert.equal(ini.get('s')?.get('full'), 'x-y');
  assert.equal(ini.get('s')?.get('long'), 'a\nb\n\nc');
  assert.equal(ini.get('s')?.get('next'), 'd');
  assert.throws(() => parseIni('key = value\n', 'f.ini'), invalidArgument(/line 1: file contains no section headers/));
  assert.throws(() => parseIni('[s]\na = 1\nA = 2\n', 'f.ini'), invalidArgument(/line 3: option 'a' already exists/));
  assert.throws(() => parseIni('[s]\n[s]\n', 'f.ini'), invalidArgument(/section 's' already exists/));
  assert.throws(() => parseIni('[s]\njust words\n', 'f.ini'), invalidArgument(/line 2: cannot parse/));
  assert.throws(() => parseIni('[s]\np = 50%\n', 'f.ini').get('s')?.get('p'), invalidArgument(/write %% for a percent sign/));
});

test('booleans and integers are refused as MLflow refuses them, naming the variable', () => {
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_INSECURE_TLS: '0' }).tls, {});
  assert.deepEqual(restOptionsFromEnvironment({ MLFLOW_TRACKING_INSECURE_TLS: '1' }).tls, { insecure: true });
  assert.throws(() => restOptionsFromEnvironment({ MLFLOW_TRACKING_INSECURE_TLS: 'yes' }), invalidArgument(/MLFLOW_TRACKING_INSECURE_TLS="yes" must be one of/));
  assert.throws(() => restOptionsFromEnvironment({ MLFLOW_TRACKING_INSECURE_TLS: '' }), invalidArgument(/MLFLOW_TRACKING_INSECURE_TLS/));
  assert.throws(() => restOptionsFromEnvironment({ MLFLOW_HTTP_REQUEST_TIMEOUT: '1.5' }), invalidArgument(/MLFLOW_HTTP_REQUEST_TIMEOUT="1.5" must be an integer/));
  assert.throws(() => restOptionsFromEnvironment({ MLFLOW_HTTP_REQUEST_TIMEOUT: '0' }), invalidArgument(/positive/));
  assert.throws(() => restOptionsFromEnvironment({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '11' }), invalidArgument(/between 0 and 10/));
  assert.equal(restOptionsFromEnvironment({ MLFLOW_HTTP_REQUEST_TIMEOUT: '1_000' }).timeoutMs, 1_000_000);
  assert.equal(restOptionsFromEnvironment({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }).retry.maxRetries, 0);
});

test('the credentials file lives at ~/.mlflow/credentials', () => {
  assert.equal(credentialsFilePath('/home/ada'), '/home/ada/.mlflow/credentials');
});
