import { mqttTopicOfEventType, natsSubjectOfEventType } from '@fieldops/contracts';
import { EVENT_TYPE_NAMES } from '@fieldops/contracts/events/v1';
import { describe, expect, it } from 'vitest';
import {
  deadLetterSubject,
  mqttTopicForSubject,
  parseEventType,
  subjectFilterForBase,
  subjectForType,
  subjectMatches,
} from './subject.js';

describe('subject mapping', () => {
  it('maps a fieldops type to a subject with the version as last token, and foreign types under ext', () => {
    expect(subjectForType('io.fieldops.automation.run.failed.v1')).toBe('fieldops.automation.run.failed.v1');
    expect(subjectForType('com.acme.meter.read.v12')).toBe('fieldops.ext.com.acme.meter.read.v12');
    expect(parseEventType('io.fieldops.rfid.station.offline.v2')).toEqual({
      base: 'io.fieldops.rfid.station.offline',
      version: 2,
    });
  });

  it('refuses a type without a version or with wildcard characters, naming the type', () => {
    expect(() => subjectForType('io.fieldops.automation.run.failed')).toThrow(
      '"io.fieldops.automation.run.failed" cannot be routed',
    );
    expect(() => subjectForType('io.fieldops.*.v1')).toThrow('cannot be routed');
    expect(() => subjectForType('io.fieldops.a/b.v1')).toThrow('cannot be routed');
    expect(() => deadLetterSubject('no.dots')).toThrow('consumer name "no.dots"');
  });

  it('matches filters with NATS semantics and maps them to MQTT topic filters', () => {
    const filter = subjectFilterForBase('io.fieldops.automation.run.failed');
    expect(filter).toBe('fieldops.automation.run.failed.*');
    expect(subjectMatches(filter, 'fieldops.automation.run.failed.v2')).toBe(true);
    expect(subjectMatches(filter, 'fieldops.automation.run.failed.v2.x')).toBe(false);
    expect(subjectMatches('fieldops.>', 'fieldops.a.v1')).toBe(true);
    expect(subjectMatches('fieldops.>', 'fieldops')).toBe(false);
    expect(mqttTopicForSubject('fieldops.automation.>')).toBe('fieldops/automation/#');
    expect(mqttTopicForSubject(filter)).toBe('fieldops/automation/run/failed/+');
  });
});

describe('the AsyncAPI document of @fieldops/contracts', () => {
  it('names the same NATS subject and MQTT topic as the bus for every event type', () => {
    for (const type of EVENT_TYPE_NAMES) {
      expect(natsSubjectOfEventType(type)).toBe(subjectForType(type));
      expect(mqttTopicOfEventType(type)).toBe(mqttTopicForSubject(subjectForType(type)));
    }
  });
});
