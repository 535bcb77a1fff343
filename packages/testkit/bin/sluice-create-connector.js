#!/usr/bin/env node
'use strict';
process.exitCode = require('../dist/scaffold/cli.js').main(process.argv.slice(2));
