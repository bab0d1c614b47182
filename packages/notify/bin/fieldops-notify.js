#!/usr/bin/env node
// The `fieldops-notify` bin: `fieldops-notify --config notify.yaml [--check]` (see README "Run as a service").
import { runNotifyCli } from '../dist/service/index.js';

// Exit once stopped, even if a provider left a socket open past the shutdown timeout.
process.exit(await runNotifyCli(process.argv.slice(2)));
