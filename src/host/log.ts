import type * as vscode from 'vscode';
import type { Logger } from '../core/log.js';

/** Credentials never reach the log: URLs lose their user info, Authorization headers their value. */
export function redact(text: string): string {
  return text.replace(/(\/\/)[^/@\s]+@/g, '$1***@').replace(/(authorization:\s*)(\S+\s+)?\S+/gi, '$1***');
}

export function createLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (message) => channel.trace(redact(message)),
    info: (message) => channel.info(redact(message)),
    warn: (message) => channel.warn(redact(message)),
    error: (message) => channel.error(typeof message === 'string' ? redact(message) : redact(message.stack ?? message.message)),
  };
}
