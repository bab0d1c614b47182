import { describe, expect, it } from 'vitest';
import { ContractError, formatPath, isContractError } from './errors.js';

describe('ContractError', () => {
  it('names the contract, its version and the path of each problem, one line each', () => {
    const error = new ContractError('rfid.v1.EventBatch', [
      { path: ['events', 3, 'station_id'], message: 'expected an id starting stn_', code: 'invalid_format' },
      { path: [], message: 'too big', code: 'too_big' },
    ]);
    expect(error.message).toBe(
      'rfid.v1.EventBatch: events[3].station_id: expected an id starting stn_\nrfid.v1.EventBatch: (root): too big',
    );
    expect(error.point).toBe('rfid');
    expect(error.version).toBe(1);
    expect(error.code).toBe('contract_invalid');
    expect(error.lines()).toEqual(['events[3].station_id: expected an id starting stn_', '(root): too big']);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      contract: 'rfid.v1.EventBatch',
      issues: [
        { path: 'events[3].station_id', message: 'expected an id starting stn_', code: 'invalid_format' },
        { path: '(root)', message: 'too big', code: 'too_big' },
      ],
    });
    expect(isContractError(error)).toBe(true);
    expect(isContractError(new Error('x'))).toBe(false);
  });

  it('formats awkward keys readably', () => {
    expect(formatPath(['labels', 'app.kubernetes.io/name'])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });
});
