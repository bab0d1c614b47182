import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { config, dryRunFetch, main } from '../examples/basic.js';
import { normalizeConfig } from '../src/config.js';
import { useFakeClock } from './support/helpers.js';

beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('the README example (examples/basic.ts)', () => {
  it('is a valid configuration', () => {
    expect(() => normalizeConfig(config)).not.toThrow();
  });

  it('runs: the on-call gets the WhatsApp template, acknowledges, and the escalation stops', async () => {
    const lines: string[] = [];
    const print = (l: string) => lines.push(l);
    await main({ print, fetch: dryRunFetch(print), wait: (ms) => vi.advanceTimersByTimeAsync(ms) });
    const out = lines.join('\n');
    expect(out).toContain('→ POST graph.facebook.com/v21.0/109876543210/messages');
    expect(out).toContain('"type":"template"');
    expect(out).toContain('receipt whatsapp +66811111111 sent');
    expect(out).toMatch(/acknowledged [A-Z2-9]{6}: escalation stopped=true/);
    expect(out).not.toContain('demo-env:WHATSAPP_TOKEN');
  });
});
