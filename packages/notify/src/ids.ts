import type { RandomSource } from './types.js';

const CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Makes ids such as `ntf_lx3k9a2b7q4m1z`: a prefix, the time in base 36 and random characters. */
export function createIdMaker(random: RandomSource, now: () => number): (prefix: string) => string {
  let counter = 0;
  return (prefix) => {
    let r = '';
    for (let i = 0; i < 6; i++) r += CHARS[Math.floor(random() * 36)];
    counter = (counter + 1) % 1296;
    return `${prefix}_${now().toString(36)}${counter.toString(36).padStart(2, '0')}${r}`;
  };
}
