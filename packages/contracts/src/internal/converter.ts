import type { z } from 'zod';
import { ContractError } from '../errors.js';
import { contractMetaOf, parseContract } from './contract.js';

/**
 * Converts a document of one contract version into the adjacent version (up: vN → vN+1, down:
 * vN+1 → vN). The input is validated against its own schema, the output against the target's, so a
 * converter can never hand on a document its reader would refuse. A document the target version cannot
 * express (a v2 enum value with no v1 meaning) is refused with a ContractError naming the target
 * contract and the field; the caller decides (an event consumer dead-letters it).
 */
export interface VersionConverter<In = unknown, Out = unknown> {
  /** `rfid.StationStatus` or an event base type `io.fieldops.rfid.station.health`. */
  readonly subject: string;
  readonly from: number;
  readonly to: number;
  /** True when something of the input is dropped (the output says less than the input). */
  readonly lossy: boolean;
  /** What is dropped or filled in, for the compatibility matrix. */
  readonly note: string;
  /** Converts one document; throws ContractError on bad input or an inexpressible value. */
  convert(input: unknown): Out;
  /** Phantom field carrying the input type (never set). */
  readonly _in?: In;
}

/** Thrown by a conversion when the target version has no way to say what the input says. */
export function notConvertible(
  target: z.ZodType,
  path: readonly (string | number)[],
  message: string,
): ContractError {
  const id = contractMetaOf(target)?.id ?? 'anonymous';
  return new ContractError(id, [{ path, message, code: 'not_convertible' }]);
}

/** Builds a converter from a pure mapping: validates the input against `fromSchema`, the output against `toSchema`. */
export function defineConverter<F extends z.ZodType, T extends z.ZodType>(spec: {
  subject: string;
  from: number;
  to: number;
  fromSchema: F;
  toSchema: T;
  lossy: boolean;
  note: string;
  map: (input: z.output<F>) => z.input<T>;
}): VersionConverter<z.output<F>, z.output<T>> {
  return {
    subject: spec.subject,
    from: spec.from,
    to: spec.to,
    lossy: spec.lossy,
    note: spec.note,
    convert(input) {
      const parsed = parseContract(spec.fromSchema, input);
      return parseContract(spec.toSchema, spec.map(parsed));
    },
  };
}
