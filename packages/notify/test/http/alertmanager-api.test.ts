// `POST /api/v2/alerts` with Alertmanager's payload (issue 14 item 7), checked rule by rule against
// prometheus/alertmanager v0.34.0: api/v2/openapi.yaml lines 493-509 (postableAlerts = array of
// postableAlert: labels required; annotations, startsAt, endsAt, generatorURL optional), api/v2/api.go
// lines 370-383 (startsAt defaults), 391-422 (valid alerts kept, 400 with the joined errors, 200 empty),
// 600-606 (empty label values removed), alert/alert.go lines 71-88 (Validate).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, baseConfig, engineWithRecorders, useFakeClock } from '../support/helpers.js';

beforeEach(() => useFakeClock('2026-11-30T03:00:00Z'));
afterEach(() => vi.useRealTimers());

const post = (api: (r: Request) => Promise<Response>, body: unknown, token = 'am-token', base = '') =>
  api(
    new Request(`http://notify.local${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );

// What Prometheus 3 posts (notifier/alert.go: labels, annotations, startsAt, endsAt = now + 4 × the
// rule's resend delay, generatorURL).
const prometheusAlert = (overrides: Record<string, unknown> = {}) => ({
  labels: {
    alertname: 'NodeDown',
    instance: 'edge-bkk-01:9100',
    job: 'node',
    severity: 'critical',
    site: 'site-bkk-01',
  },
  annotations: { summary: 'edge-bkk-01 is down', description: 'no scrape for 5m' },
  startsAt: '2026-11-30T02:55:00Z',
  endsAt: '2026-11-30T03:04:00Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=up%3D%3D0',
  ...overrides,
});

function setup() {
  const { engine, channels } = engineWithRecorders(
    baseConfig({ route: { receiver: 'oncall', group_by: ['alertname'], group_wait: '0s' } }),
  );
  const api = engine.apiHandler({ basePath: '', token: { value: 'am-token' } });
  return { engine, channels, api };
}

describe('POST /api/v2/alerts (Alertmanager v2)', () => {
  it('takes what Prometheus posts: 200 without a body, the alert routed and paged with its severity', async () => {
    const { engine, channels, api } = setup();
    const r = await post(api, [prometheusAlert()]);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
    const [alert] = engine.inspect().alerts;
    expect(alert).toMatchObject({
      status: 'firing',
      severity: 'critical',
      starts_at: '2026-11-30T02:55:00.000Z',
      labels: { alertname: 'NodeDown', instance: 'edge-bkk-01:9100' },
      annotations: {
        summary: 'edge-bkk-01 is down',
        generator_url: 'http://prometheus:9090/graph?g0.expr=up%3D%3D0',
      },
    });
    await advance(engine, 1000);
    expect(channels.whatsapp.sent[0]?.text).toContain('NodeDown');
  });

  it('an alert whose endsAt has passed is resolved (Prometheus sends those when the rule stops firing)', async () => {
    const { engine, api } = setup();
    await post(api, [prometheusAlert()]);
    await advance(engine, 1000);
    expect((await post(api, [prometheusAlert({ endsAt: '2026-11-30T03:00:00Z' })])).status).toBe(200);
    expect(engine.inspect().alerts[0]).toMatchObject({
      status: 'resolved',
      ends_at: '2026-11-30T03:00:00.000Z',
    });
  });

  it('startsAt defaults to endsAt when only endsAt is given, else now; empty label values are dropped', async () => {
    const { engine, api } = setup();
    await post(api, [
      { labels: { alertname: 'A', empty: '' }, endsAt: '2026-11-30T04:00:00Z' },
      { labels: { alertname: 'B' } },
    ]);
    const byName = Object.fromEntries(engine.inspect().alerts.map((a) => [a.labels.alertname, a]));
    expect(byName.A?.starts_at).toBe('2026-11-30T04:00:00.000Z');
    expect(byName.A?.labels).not.toHaveProperty('empty');
    expect(byName.B?.starts_at).toBe('2026-11-30T03:00:00.000Z');
    expect(byName.B?.severity).toBe('warning');
  });

  it('takes the valid alerts of a request and answers 400 naming each invalid one', async () => {
    const { engine, api } = setup();
    const r = await post(api, [
      prometheusAlert(),
      { labels: {} },
      { labels: { alertname: 'Late' }, startsAt: '2026-11-30T03:10:00Z', endsAt: '2026-11-30T03:05:00Z' },
      { annotations: { summary: 'no labels' } },
      { labels: { job: 'node' } },
    ]);
    expect(r.status).toBe(400);
    const message = (await r.json()) as string;
    expect(message.split('\n')).toEqual([
      'alerts[1].labels: at least one label pair required',
      'alerts[2]: start time must be before end time',
      'alerts[3].labels: required',
      'alerts[4].labels.alertname: required by notify',
    ]);
    expect(engine.inspect().alerts.map((a) => a.labels.alertname)).toEqual(['NodeDown']);
  });

  it('refuses a body that is not an array of postableAlert, and a wrong token', async () => {
    const { api } = setup();
    expect((await post(api, prometheusAlert())).status).toBe(400);
    expect((await post(api, [prometheusAlert()], 'wrong')).status).toBe(401);
  });

  it('is served under the API base path too (`path_prefix: /notify` in Prometheus)', async () => {
    const { engine } = engineWithRecorders(baseConfig());
    const api = engine.apiHandler({ token: { value: 'am-token' } });
    expect((await post(api, [prometheusAlert()], 'am-token', '/notify')).status).toBe(200);
    expect(engine.inspect().alerts).toHaveLength(1);
  });
});
