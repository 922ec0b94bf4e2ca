import * as vscode from 'vscode';
import { credentialsQuestion } from '../../core/tracking/rest/credentialsQuestion.js';
import type { CredentialsRequest, RestCredentials } from '../../core/tracking/rest/http.js';

const KEY_PREFIX = 'mlWorkbench.trackingServer:';

/**
 * Credentials for a tracking server that answered 401 while the environment and
 * ~/.mlflow/credentials had none: taken from SecretStorage when saved before, else asked for
 * (user name, then password) and saved there; the request is then sent again. A saved pair is
 * offered once per window; when the server refuses it the next 401 asks again, saying so. A
 * cancelled question is not asked again (a polling view would ask every few seconds) until
 * "Set Credentials…" or a reload. Credentials never go to settings or logs.
 */
export function credentialPrompt(secrets: vscode.SecretStorage, serverUrl: string): (request: CredentialsRequest) => Promise<RestCredentials | undefined> {
  const origin = new URL(serverUrl).origin;
  const key = `${KEY_PREFIX}${origin}`;
  let offeredSaved = false;
  let declined = false;
  return async (request) => {
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
    if (declined) return undefined;
    const answer = await askCredentials(secrets, serverUrl, request);
    if (!answer) declined = true;
    return answer;
  };
}

/** Asks for a user name and password for the server and keeps them in SecretStorage (undefined: cancelled). */
export async function askCredentials(secrets: vscode.SecretStorage, serverUrl: string, request?: CredentialsRequest): Promise<RestCredentials | undefined> {
  const url = new URL(serverUrl);
  const question = credentialsQuestion(request ?? { host: url.host, refused: false });
  const username = await vscode.window.showInputBox({ title: question.title, prompt: question.prompt, placeHolder: 'User name', ignoreFocusOut: true });
  if (!username) return undefined;
  const password = await vscode.window.showInputBox({ title: `Password for ${username} at ${url.origin}`, password: true, ignoreFocusOut: true });
  if (password === undefined) return undefined;
  const credentials = { username, password };
  await secrets.store(`${KEY_PREFIX}${url.origin}`, JSON.stringify(credentials));
  return credentials;
}
