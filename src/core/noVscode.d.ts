// Not a module on purpose: src/core/tsconfig.json maps 'vscode' here, so an import of it in core
// fails to type-check ("is not a module") instead of finding @types/vscode.
