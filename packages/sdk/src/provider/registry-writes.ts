import type { automation, registry } from '@fieldops/contracts';
import { ProviderError } from './errors.js';
import type { WriteConditions } from './registry-backend.js';

// If-Match may list several entity tags (RFC 9110 §13.1.1); any one matching is enough.
const matches = (etag: string | undefined, header: string) =>
  etag !== undefined && header.split(',').some((t) => t.trim() === etag);

/** Throws the registry's 412 when `If-Match` does not hold for `current` (undefined: no such device). */
export function checkIfMatch(current: registry.Device | undefined, c: WriteConditions): void {
  if (c.ifMatch !== undefined && c.ifMatch !== '*' && !matches(current?.etag, c.ifMatch)) {
    throw new ProviderError(
      412,
      'precondition_failed',
      'registry: the record changed since it was read (If-Match)',
    );
  }
  if (c.ifMatch === '*' && !current)
    throw new ProviderError(412, 'precondition_failed', 'registry: no record to match (If-Match: *)');
}

/** Throws the registry's 412 / 400 for a PUT: `If-None-Match: *` on an existing device, body id ≠ path id. */
export function checkPut(
  id: string,
  body: registry.DeviceUpsert,
  existing: registry.Device | undefined,
  c: WriteConditions,
): void {
  if (c.ifNoneMatch === '*' && existing) {
    throw new ProviderError(412, 'precondition_failed', `registry: device ${id} exists (If-None-Match: *)`);
  }
  checkIfMatch(existing, c);
  if (body.device_id !== id) {
    throw new ProviderError(400, 'invalid_request', 'registry: device_id in the body differs from the path', {
      details: [{ path: 'device_id', message: 'must equal the device_id of the path' }],
    });
  }
}

/** The device a PUT writes: the body, timestamps, the new ETag, and the observed state kept when the body has none. */
export function buildPutDevice(
  body: registry.DeviceUpsert,
  existing: registry.Device | undefined,
  at: string,
  etag: string,
): registry.Device {
  const d: registry.Device = { ...body, created_at: existing?.created_at ?? at, updated_at: at, etag };
  if (existing?.observed_state && !body.observed_state) d.observed_state = existing.observed_state;
  return d;
}

/** The device after an observed-state PATCH (412 when `expected_version` is stale). */
export function buildPatchedDevice(
  d: registry.Device,
  patch: registry.ObservedStatePatch,
  at: string,
  nextEtag: () => string,
): registry.Device {
  const current = d.observed_state?.version ?? 0;
  if (patch.expected_version !== undefined && patch.expected_version !== current) {
    throw new ProviderError(
      412,
      'precondition_failed',
      `registry: observed_state is at version ${current}, not ${patch.expected_version}`,
    );
  }
  const refs = patch.external_refs;
  return {
    ...d,
    observed_state: {
      version: current + 1,
      updated_at: patch.observed_at,
      updated_by: patch.source,
      data: patch.data,
    },
    external_refs: {
      ...d.external_refs,
      ...(refs?.chirpstack ? { chirpstack: { ...d.external_refs.chirpstack, ...refs.chirpstack } } : {}),
      ...(refs?.rfid ? { rfid: { ...d.external_refs.rfid, ...refs.rfid } } : {}),
    },
    updated_at: at,
    etag: nextEtag(),
  };
}

/** A run after an update: status and times replaced, timeline and links appended, steps merged by id. */
export function applyRunUpdate(r: automation.RunRecord, u: automation.RunUpdate): automation.RunRecord {
  const steps = [...r.steps];
  for (const s of u.steps ?? []) {
    const i = steps.findIndex((x) => x.step_id === s.step_id);
    if (i >= 0) steps[i] = s;
    else steps.push(s);
  }
  return {
    ...r,
    ...(u.status ? { status: u.status } : {}),
    ...(u.started_at ? { started_at: u.started_at } : {}),
    ...(u.finished_at ? { finished_at: u.finished_at } : {}),
    ...(u.duration_ms !== undefined ? { duration_ms: u.duration_ms } : {}),
    ...(u.ticket_id ? { ticket_id: u.ticket_id } : {}),
    timeline: [...r.timeline, ...(u.timeline ?? [])],
    links: [...r.links, ...(u.links ?? [])],
    steps,
  };
}
