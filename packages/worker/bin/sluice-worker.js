#!/usr/bin/env -S node --max-semi-space-size=16
'use strict';
// --max-semi-space-size=16 (MiB), V8's own ceiling for the young generation, set explicitly because
// it is a measured choice: a sink or source moving 100k+ records/s allocates a few hundred bytes per
// record (the client library's message objects, converted values) that live for one batch. With
// 2 MiB semi-spaces a batch outlived the scavenges, was promoted and cost full mark-compacts: the
// FileStream sink spent 35 % of its main thread in GC and used 0.66-0.70 CPU s per 100k records,
// at 16 MiB 0.54-0.58 (the source 0.45-0.54 -> 0.36-0.38), peak RSS under load lower (fewer
// promotions). The price is idle RSS: about 12 MiB more (91 -> 103 MiB 4 s after start); 32 MiB
// saved no more CPU and kept 27 MiB more. To choose another size run
// `node --max-semi-space-size=N bin/sluice-worker.js` (flags on the node command line win).
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`sluice-worker: ${error && error.stack ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
