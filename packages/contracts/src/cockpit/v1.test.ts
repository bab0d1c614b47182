// Each rule cites the A2UI v0.9 specification it comes from: github.com/google/A2UI at commit
// ade478fa, specification/v0_9/json/<file>#/$defs/<name> (and catalogs/basic/catalog.json).
import { describe, expect, it } from 'vitest';
import { getJsonSchema, validateContract } from '../catalog.js';
import { parseContract } from '../internal/contract.js';
import {
  A2UI_VERSION,
  AcknowledgeContext,
  BASIC_CATALOG_ID,
  Component,
  ServerMessage,
  SilenceContext,
  UpdateDataModel,
  UserAction,
} from './v1.js';

const surfaceId = 'fleet';

describe('cockpit.v1 server messages (server_to_client.json)', () => {
  it('accepts the four messages the cockpit emits, each with version v0.9', () => {
    const messages = [
      { version: 'v0.9', createSurface: { surfaceId, catalogId: BASIC_CATALOG_ID } },
      {
        version: 'v0.9',
        updateComponents: {
          surfaceId,
          components: [
            { id: 'root', component: 'Column', children: { componentId: 'site', path: '/sites' } },
            { id: 'site', component: 'Text', text: { path: 'name' } },
          ],
        },
      },
      { version: 'v0.9', updateDataModel: { surfaceId, path: '/sites/0/online', value: 3 } },
      { version: 'v0.9', deleteSurface: { surfaceId } },
    ];
    for (const m of messages) expect(ServerMessage.safeParse(m).success).toBe(true);
  });

  it('refuses another protocol version (every $def: "version": {"const": "v0.9"})', () => {
    const r = validateContract('cockpit.v1.ServerMessage', {
      version: 'v0.8',
      deleteSurface: { surfaceId },
    });
    expect(r.success).toBe(false);
    expect(A2UI_VERSION).toBe('v0.9');
  });

  it('refuses unknown fields (CreateSurfaceMessage: "additionalProperties": false)', () => {
    expect(
      ServerMessage.safeParse({
        version: 'v0.9',
        createSurface: { surfaceId, catalogId: BASIC_CATALOG_ID, html: '<b>x</b>' },
      }).success,
    ).toBe(false);
  });

  it('needs surfaceId and catalogId on createSurface (CreateSurfaceMessage "required")', () => {
    expect(ServerMessage.safeParse({ version: 'v0.9', createSurface: { surfaceId } }).success).toBe(false);
  });

  it('needs at least one component (UpdateComponentsMessage components "minItems": 1)', () => {
    expect(
      ServerMessage.safeParse({ version: 'v0.9', updateComponents: { surfaceId, components: [] } }).success,
    ).toBe(false);
  });

  it('lets updateDataModel omit value to remove the key at path (UpdateDataModelMessage.value)', () => {
    const m = UpdateDataModel.parse({
      version: 'v0.9',
      updateDataModel: { surfaceId, path: '/incidents/x' },
    });
    expect('value' in m.updateDataModel).toBe(false);
  });

  it('names the contract, its version and the field path of a bad message', () => {
    expect(() =>
      parseContract(UpdateDataModel, { version: 'v0.9', updateDataModel: { surfaceId: 7 } }),
    ).toThrow(/cockpit\.v1\.UpdateDataModel.*updateDataModel\.surfaceId/s);
  });
});

describe('cockpit.v1 components (catalogs/basic/catalog.json)', () => {
  it('refuses a component the basic catalog does not define, so no markup can be smuggled in', () => {
    expect(Component.safeParse({ id: 'x', component: 'Html', html: '<script>' }).success).toBe(false);
  });

  it('refuses a Text variant outside the catalog enum (Text.variant)', () => {
    expect(Component.safeParse({ id: 't', component: 'Text', text: 'x', variant: 'h6' }).success).toBe(false);
  });

  it('needs action on Button ("required": ["component", "child", "action"])', () => {
    expect(Component.safeParse({ id: 'b', component: 'Button', child: 'l' }).success).toBe(false);
    expect(
      Component.safeParse({
        id: 'b',
        component: 'Button',
        child: 'l',
        action: {
          event: { name: 'acknowledge_incident', context: { fingerprint: { path: 'fingerprint' } } },
        },
      }).success,
    ).toBe(true);
  });

  it('takes a ChildList as ids or as a template {componentId, path} (common_types.json#/$defs/ChildList)', () => {
    expect(Component.safeParse({ id: 'l', component: 'List', children: ['a', 'b'] }).success).toBe(true);
    expect(Component.safeParse({ id: 'l', component: 'List', children: { componentId: 'a' } }).success).toBe(
      false,
    );
  });
});

describe('cockpit.v1 user action (client_to_server.json)', () => {
  const action = {
    version: 'v0.9',
    action: {
      name: 'acknowledge_incident',
      surfaceId: 'incidents',
      sourceComponentId: 'ack',
      timestamp: '2026-11-30T23:00:00.000Z',
      context: { fingerprint: 'abc' },
    },
  };

  it('accepts an action with name, surfaceId, sourceComponentId, timestamp and context', () => {
    expect(UserAction.parse(action).action.context).toEqual({ fingerprint: 'abc' });
  });

  it('needs every field of action ("required": [name, surfaceId, sourceComponentId, timestamp, context])', () => {
    for (const key of ['name', 'surfaceId', 'sourceComponentId', 'timestamp', 'context']) {
      const { [key]: _, ...rest } = action.action as Record<string, unknown>;
      expect(UserAction.safeParse({ ...action, action: rest }).success, key).toBe(false);
    }
  });

  it('needs an ISO 8601 timestamp (action.timestamp "format": "date-time")', () => {
    expect(
      UserAction.safeParse({ ...action, action: { ...action.action, timestamp: 'yesterday' } }).success,
    ).toBe(false);
  });

  it('refuses a third top-level key ("maxProperties": 2)', () => {
    expect(UserAction.safeParse({ ...action, extra: 1 }).success).toBe(false);
  });

  it('takes an acknowledgement by fingerprint or ack code, not neither', () => {
    expect(AcknowledgeContext.safeParse({ ack_code: 'K7' }).success).toBe(true);
    expect(AcknowledgeContext.safeParse({ note: 'on it' }).success).toBe(false);
  });

  it('bounds a silence to 1 minute .. 7 days', () => {
    expect(SilenceContext.safeParse({ alertname: 'GatewayOffline', minutes: 60 }).success).toBe(true);
    expect(SilenceContext.safeParse({ alertname: 'GatewayOffline', minutes: 0 }).success).toBe(false);
    expect(SilenceContext.safeParse({ alertname: 'GatewayOffline', minutes: 10_081 }).success).toBe(false);
  });
});

describe('cockpit.v1 JSON Schema', () => {
  it('is generated for the server messages with the version as a constant', () => {
    const schema = getJsonSchema('cockpit.v1.DeleteSurface') as {
      properties: { version: { const: string } };
      additionalProperties: boolean;
    };
    expect(schema.properties.version.const).toBe('v0.9');
    expect(schema.additionalProperties).toBe(false);
  });
});
