#!/usr/bin/env node
import { main } from './main.js';

main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ml-workbench: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
