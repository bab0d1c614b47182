import { describe, expect, it } from 'vitest';
import { browserAvailability } from '../../scripts/chromium.mjs';

describe('browserAvailability', () => {
  it('skips the browser tests without chromium, with the reason', () => {
    expect(browserAvailability('/nonexistent/chromium', {})).toEqual({
      run: false,
      mustFail: false,
      reason: expect.stringContaining(
        "/nonexistent/chromium is missing: install it with 'apt-get install -y chromium'",
      ),
    });
  });

  it('fails them instead under FIELDOPS_CI=1', () => {
    expect(browserAvailability('/nonexistent/chromium', { FIELDOPS_CI: '1' })).toMatchObject({
      run: false,
      mustFail: true,
    });
  });

  it('runs them when the executable is there', () => {
    expect(browserAvailability(process.execPath, { FIELDOPS_CI: '1' })).toEqual({
      run: true,
      mustFail: false,
      reason: '',
    });
  });
});
