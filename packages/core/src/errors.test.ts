import { describe, expect, it } from 'vitest';
import { FieldopsError } from './errors.js';

class NotFound extends FieldopsError {
  override name = 'NotFound';
}

describe('FieldopsError', () => {
  it('carries code, status, request id and cause; subclasses stay instances of the base', () => {
    const cause = new Error('socket hang up');
    const error = new NotFound('not_found', 'device dev_1 not found', {
      status: 404,
      requestId: 'req_9',
      cause,
    });
    expect(error).toBeInstanceOf(FieldopsError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'NotFound',
      code: 'not_found',
      status: 404,
      requestId: 'req_9',
      cause,
    });
    expect(error.message).toBe('device dev_1 not found');
  });
  it('leaves status, request id and cause undefined when not given', () => {
    const error = new FieldopsError('usage', 'bad flag');
    expect(error.status).toBeUndefined();
    expect(error.requestId).toBeUndefined();
    expect('cause' in error).toBe(false);
  });
});
