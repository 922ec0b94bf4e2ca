/**
 * What the sign-in question says when a tracking server answers 401 mid-session (http.ts asks
 * the host's callback once per request; concurrent 401s share one question). A refused earlier
 * answer is said so, so the user knows to type the password again rather than wonder.
 */
import type { CredentialsRequest } from './http.js';

export interface CredentialsQuestion {
  readonly title: string;
  readonly prompt: string;
}

export function credentialsQuestion(request: CredentialsRequest): CredentialsQuestion {
  const realm = request.realm ? ` (realm "${oneLine(request.realm)}")` : '';
  const title = `Sign in to the MLflow server ${request.host}`;
  if (request.refused) {
    return { title, prompt: `The server refused the user name and password given before${realm}: enter them again. They are kept in VS Code's secret storage.` };
  }
  return { title, prompt: `The tracking server asks for a user name and password${realm} (MLflow basic auth). They are kept in VS Code's secret storage.` };
}

/** A realm is the server's text: printable, one line, bounded, for an input box's prompt. */
function oneLine(text: string): string {
  const flat = [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('').replace(/ +/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
