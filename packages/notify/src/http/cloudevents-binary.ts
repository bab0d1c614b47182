// CloudEvents HTTP protocol binding 1.0.2, binary content mode (§3.1): the attributes travel as
// `ce-*` headers, `Content-Type` is `datacontenttype`, and the body is `data`.
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#31-binary-content-mode
import { NotifyError } from '../errors.js';
import { isJsonMediaType } from './media-type.js';

/** True when the request carries an event in binary content mode (`ce-specversion` is present). */
export function isBinaryCloudEvent(headers: Headers): boolean {
  return headers.has('ce-specversion');
}

// §3.1.3.2: header values are percent-encoded; a receiver decodes them.
function decode(value: string, name: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new NotifyError(
      'input_invalid',
      `api: events.v1.CloudEvent (binary mode): ${name}: bad percent-encoding`,
    );
  }
}

/**
 * Builds the CloudEvent of a binary-mode request: every `ce-<name>` header becomes attribute
 * `<name>`, `Content-Type` becomes `datacontenttype`, a JSON body becomes `data`, and a W3C
 * `traceparent` header the `traceparent` extension. The result is validated by ingest like any event.
 */
export function buildBinaryCloudEvent(headers: Headers, body: Uint8Array): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [k, v] of headers) {
    if (k.startsWith('ce-') && k.length > 3) event[k.slice(3)] = decode(v, k);
  }
  if (event.traceparent === undefined && headers.has('traceparent'))
    event.traceparent = headers.get('traceparent');
  const contentType = headers.get('content-type');
  if (contentType !== null) event.datacontenttype = contentType;
  if (body.byteLength > 0) {
    if (contentType !== null && !isJsonMediaType(contentType)) {
      throw new NotifyError(
        'unsupported_media_type',
        `api: events.v1.CloudEvent (binary mode): datacontenttype: expected application/json, got ${contentType}`,
      );
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new NotifyError('input_invalid', 'api: events.v1.CloudEvent (binary mode): data: invalid UTF-8');
    }
    try {
      event.data = JSON.parse(text) as unknown;
    } catch {
      throw new NotifyError('input_invalid', 'api: events.v1.CloudEvent (binary mode): data: not JSON');
    }
  }
  return event;
}
