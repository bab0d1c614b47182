import type { FieldDiff, Plan } from '@fieldops/contracts/chirpstack/v1';

/** Options of {@link formatPlanTable}. */
export interface FormatPlanOptions {
  /** List unchanged entities too (default false: only the count). */
  showUnchanged?: boolean;
  /** Cut each cell at this many characters (default 60). */
  maxCell?: number;
}

const SYMBOL = { create: '+', update: '~', delete: '-', unchanged: '=' } as const;

function formatValue(v: unknown): string {
  return v === undefined ? '∅' : JSON.stringify(v);
}

/** One diff entry for people: secrets only as `changed`, never a value. */
export function formatDiff(d: FieldDiff): string {
  if (d.secret) return `${d.field}: changed`;
  if (d.from === undefined) return `${d.field}=${formatValue(d.to)}`;
  return `${d.field}: ${formatValue(d.from)} -> ${formatValue(d.to)}`;
}

/** A plan as a human-readable table (one row per change) with a summary line. */
export function formatPlanTable(plan: Plan, options: FormatPlanOptions = {}): string {
  const max = options.maxCell ?? 60;
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const rows = plan.changes
    .filter((c) => options.showUnchanged || c.action !== 'unchanged')
    .map((c) => [`${SYMBOL[c.action]} ${c.action}`, c.entity, c.key, cut(c.diff.map(formatDiff).join(', '))]);
  const header = ['ACTION', 'ENTITY', 'KEY', 'CHANGES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const s = plan.summary;
  const out = [
    `ChirpStack plan for tenant ${plan.tenant} at ${plan.target}${plan.prune ? ' (prune)' : ''}`,
    '',
    ...(rows.length ? [line(header), ...rows.map(line)] : ['No changes.']),
    '',
    `${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged.`,
  ];
  return `${out.join('\n')}\n`;
}
