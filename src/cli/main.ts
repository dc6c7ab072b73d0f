#!/usr/bin/env node
/** The executable entry: the only place that sets the process exit code. */
import { runCli } from './program.js';
import { processIo } from './io.js';

const io = processIo();
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`fleetmod: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
