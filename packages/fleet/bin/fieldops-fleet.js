#!/usr/bin/env node
// The `fieldops-fleet` bin: `fieldops-fleet serve --pglite DIR` (see the README "The central view").
import { runFleetCli } from '../dist/cli.js';

process.exit(await runFleetCli(process.argv.slice(2)));
