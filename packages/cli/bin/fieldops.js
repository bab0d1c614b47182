#!/usr/bin/env node
// The `fieldops` bin: the CLI lives in @fieldops/sdk (`@fieldops/sdk/cli`); this package brings
// everything it needs (gRPC for ChirpStack, handlebars, smol-toml, pino), so the sdk stays light.
import '@fieldops/sdk/cli';
