// The bus logs through the one shared logger type.
export { type Logger as BusLogger, noopLogger } from '@fieldops/core';
