// Which link targets a KB page may render as `href`. Browsers treat `\` like `/` in http(s) URLs,
// so `/\evil.example/phish` is the protocol-relative `//evil.example/phish`: another site. Links
// from bundles are absolute http(s) URLs or paths of this site, with no backslash, whitespace or
// control character anywhere.

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const UNSAFE_CHAR = /[\\\s\u0000-\u001f\u007f]/;
const ABSOLUTE = /^https?:\/\/[^/?#]/i;
const SITE_PATH = /^\/(?![/\\])/;

/** True for links a page may render as `href`: `http(s)://host…` or a site path `/…` (not `//…`). */
export function isSafeHref(href: string): boolean {
  if (UNSAFE_CHAR.test(href)) return false;
  return ABSOLUTE.test(href) || SITE_PATH.test(href);
}

/** True for an absolute `http(s)://host…` URL with no backslash or control character. */
export function isSafeAbsoluteUrl(href: string): boolean {
  return !UNSAFE_CHAR.test(href) && ABSOLUTE.test(href);
}

/**
 * True when an image source stays on this site: a site path or a relative path (no scheme, no
 * `//` or backslash). Anything else would make the reader's browser fetch from another host.
 */
export function isLocalImageSrc(src: string): boolean {
  if (UNSAFE_CHAR.test(src) || src === '') return false;
  if (src.startsWith('/')) return SITE_PATH.test(src);
  return !/^[a-z][a-z0-9+.-]*:/i.test(src);
}
