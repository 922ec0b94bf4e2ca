/** How core code logs; the host implements it with a LogOutputChannel, the CLI with stderr. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };
