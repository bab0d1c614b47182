/**
 * The forms a secret takes when a program encodes it: base64 (with and without padding), base64url,
 * hex (both cases) and URL encoding (`encodeURIComponent` and form encoding, both hex cases). For a
 * secret of 12 bytes or more, also the base64 text it leaves inside a longer base64 string at each of
 * the three byte alignments (how it appears in `Authorization: Basic base64(user:secret)`), without
 * the edge characters it shares with its neighbours.
 */
export function buildSecretForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>();
  const b64 = bytes.toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  const uri = encodeURIComponent(value);
  forms.add(uri);
  forms.add(lowerPercent(uri));
  const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
  forms.add(formEncoded);
  forms.add(lowerPercent(formEncoded));
  if (bytes.length >= 12) {
    for (const offset of [1, 2] as const) {
      const inner = base64Inside(bytes, offset);
      forms.add(inner);
      forms.add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  forms.delete(value);
  return [...forms].filter((f) => f.length >= 4);
}

function lowerPercent(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/**
 * The base64 characters that depend only on `bytes` when they start `offset` bytes into a longer
 * buffer: the first `offset === 1 ? 2 : 3` characters and the last partial one mix with neighbours.
 */
function base64Inside(bytes: Buffer, offset: 1 | 2): string {
  const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
  const n = padded.length;
  const end = 4 * Math.floor(n / 3) + (n % 3);
  return padded.toString('base64').slice(offset === 1 ? 2 : 3, end);
}
