// Every error the sdk throws is a @fieldops/core FieldopsError, so a caller can catch one base class
// and read `code`, `status`, `requestId` and `cause` from any of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FieldopsError } from '@fieldops/core';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/io.js';
import { NotFoundError } from '../../src/transport/errors.js';
import { CheckFailed } from '../../src/verify/check.js';

const SRC = join(import.meta.dirname, '../../src');

describe('error classes', () => {
  it('every class under src that extends an error extends FieldopsError', () => {
    const parent = new Map<string, string>();
    for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
      // Fakes of third-party systems throw what those systems throw (a gRPC ServiceError), not ours.
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('fake-')) continue;
      for (const m of readFileSync(join(SRC, file), 'utf8').matchAll(/class (\w+) extends (\w+)/g)) {
        parent.set(m[1]!, m[2]!);
      }
    }
    const root = (name: string): string => {
      let n = name;
      while (parent.has(n) && n !== 'FieldopsError') n = parent.get(n)!;
      return n;
    };
    const errors = [...parent.keys()].filter((n) => /Error$|Failed$/.test(n));
    expect(errors.length).toBeGreaterThan(20);
    expect(errors.filter((n) => root(n) !== 'FieldopsError')).toEqual([]);
  });

  it('UsageError, CheckFailed and the HTTP errors are instances of the core base with its fields', () => {
    expect(new UsageError('--device: required')).toMatchObject({ code: 'usage', name: 'UsageError' });
    expect(new UsageError('x')).toBeInstanceOf(FieldopsError);
    expect(new CheckFailed('bad status')).toBeInstanceOf(FieldopsError);
    const http = new NotFoundError({
      status: 404,
      code: 'not_found',
      message: 'm',
      operation: 'getDevice',
      requestId: 'r1',
    });
    expect(http).toBeInstanceOf(FieldopsError);
    expect(http).toMatchObject({ status: 404, requestId: 'r1', code: 'not_found' });
  });
});
