import * as vscode from 'vscode';
import type { RestCredentials } from '../../core/tracking/rest/http.js';

const KEY_PREFIX = 'mlWorkbench.trackingServer:';

/**
 * Credentials for a tracking server that answered 401 while the environment had none: taken from
 * SecretStorage when saved before, else asked for once (user name, then password) and saved there.
 * A saved pair is offered once per window; when the server refuses it, the next 401 asks again.
 * Credentials never go to settings or logs.
 */
export function credentialPrompt(secrets: vscode.SecretStorage, serverUrl: string): () => Promise<RestCredentials | undefined> {
  const origin = new URL(serverUrl).origin;
  const key = `${KEY_PREFIX}${origin}`;
  let offeredSaved = false;
  return async () => {
    if (!offeredSaved) {
      offeredSaved = true;
      const saved = await secrets.get(key);
      if (saved) {
        try {
          return JSON.parse(saved) as RestCredentials;
        } catch {
          await secrets.delete(key);
        }
      }
    }
    return askCredentials(secrets, serverUrl);
  };
}

/** Asks for a user name and password for the server and keeps them in SecretStorage (undefined: cancelled). */
export async function askCredentials(secrets: vscode.SecretStorage, serverUrl: string): Promise<RestCredentials | undefined> {
  const origin = new URL(serverUrl).origin;
  const username = await vscode.window.showInputBox({
    title: `Sign in to the MLflow server ${origin}`,
    prompt: 'The tracking server asks for a user name and password (MLflow basic auth). They are kept in VS Code\'s secret storage.',
    placeHolder: 'User name',
    ignoreFocusOut: true,
  });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password for ${username} at ${origin}`, password: true, ignoreFocusOut: true });
  if (password === undefined) return undefined;
  const credentials = { username, password };
  await secrets.store(`${KEY_PREFIX}${origin}`, JSON.stringify(credentials));
  return credentials;
}
