#!/usr/bin/env -S node --max-semi-space-size=2
'use strict';
// --max-semi-space-size=2 (MiB): V8 grows its young generation up to 16 MiB per semi-space by
// default, which an idle worker keeps resident (about 12 MiB of its RSS). At 2 MiB, busy tasks
// scavenge more often; a worker moving heavy traffic can lift it with
// NODE_OPTIONS=--max-semi-space-size=16 (or run `node bin/sluice-worker.js`, which skips it).
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`sluice-worker: ${error && error.stack ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
