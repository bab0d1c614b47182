#!/usr/bin/env node
import { fleetDiffCommand } from '@fieldops/fleet/cli';
// The `fieldops` bin: the CLI lives in @fieldops/sdk (`@fieldops/sdk/cli`); this package brings
// everything it needs (gRPC for ChirpStack, handlebars, smol-toml, pino, PGlite and pg for the fleet
// centre), so the sdk stays light. Commands of packages built on the sdk are registered first.
import { registerCommand } from '@fieldops/sdk/cli/api';

registerCommand(fleetDiffCommand);
await import('@fieldops/sdk/cli');
