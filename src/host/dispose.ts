/** The host's lifetimes are core's (structural, so VS Code takes them as vscode.Disposable). */
export { Disposable, Slot, toDisposable, type DisposableLike } from '../core/lifecycle.js';
