import { convertEvent, EVENT_CONVERTERS, splitEventType, type VersionConverter } from '@fieldops/contracts';
import { NotifyError } from '../errors.js';
import type { SourceAdapter, SourceAdapters } from './source.js';

/**
 * Adds, for each adapter of a versioned event type, adapters for the other versions of that type a
 * converter chain reaches: the event is converted to the adapter's version first. So notify, whose
 * adapters are written for v1, reads `io.fieldops.rfid.station.health.v2` through the contracts'
 * down-converter. An event the older version cannot express is refused as invalid input, naming the
 * contract and the field; an adapter written for a version itself always wins over a converted one.
 */
export function withConvertedVersions(
  adapters: SourceAdapters,
  converters: readonly VersionConverter[] = EVENT_CONVERTERS,
): SourceAdapters {
  const out: SourceAdapters = { ...adapters };
  const versionsOf = new Map<string, Set<number>>();
  for (const c of converters) {
    const set = versionsOf.get(c.subject) ?? new Set<number>();
    set.add(c.from).add(c.to);
    versionsOf.set(c.subject, set);
  }
  for (const [type, adapter] of Object.entries(adapters)) {
    const split = splitEventType(type);
    if (!split) continue;
    for (const version of versionsOf.get(split.base) ?? []) {
      const other = `${split.base}.v${version}`;
      if (Object.hasOwn(out, other)) continue;
      out[other] = converting(adapter, split.version, converters);
    }
  }
  return out;
}

function converting(
  adapter: SourceAdapter,
  to: number,
  converters: readonly VersionConverter[],
): SourceAdapter {
  return (event) => {
    let converted: Parameters<SourceAdapter>[0];
    try {
      converted = convertEvent(event, to, converters);
    } catch (error) {
      throw new NotifyError('input_invalid', `ingest: ${event.type}: ${(error as Error).message}`);
    }
    return adapter(converted);
  };
}
