import { describe, expect, it } from 'vitest';
import { isSafeHref, renderMarkdown } from '../src/index.js';
import { isSafeHref as themeIsSafeHref } from '../src/theme/RunsFormat/index.js';

// Issue 11 item 15: a run link `/\evil.example/phish` is another site to a browser (it reads `\` as
// `/`), and a postmortem image from another host is fetched by every reader.

describe('isSafeHref (run links, artifact links)', () => {
  const hostile = [
    '/\\evil.example/phish',
    '\\\\evil.example/phish',
    '//evil.example/phish',
    '/\t/evil.example',
    '/%0a',
    'https:\\\\evil.example',
    'http:/\\evil.example',
    'https:///evil.example',
    'javascript:alert(1)',
    ' https://ok.example',
    'https://ok.example/a\\b',
  ];
  const fine = ['/runs/bkk/2026-11-24/run_x', 'https://crm.example.com/tickets/42', 'http://10.0.0.1:8080/x'];

  it('refuses backslashes and protocol-relative forms, keeps http(s) URLs and site paths', () => {
    expect(hostile.filter((h) => isSafeHref(h))).toEqual(['/%0a']);
    expect(fine.every((h) => isSafeHref(h))).toBe(true);
  });

  it('is the rule the theme components use', () => {
    expect(themeIsSafeHref('/\\evil.example/phish')).toBe(false);
    expect(themeIsSafeHref('//evil.example/phish')).toBe(false);
    expect(themeIsSafeHref('/runs/x')).toBe(true);
  });
});

describe('postmortem markdown', () => {
  it('renders a remote image as a link to it, so the reader fetches nothing from elsewhere', async () => {
    const html = await renderMarkdown('See ![the pixel](http://evil.example/pixel.png) here.');
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '<a href="http://evil.example/pixel.png" data-remote-image="true">image: the pixel</a>',
    );
  });

  it('keeps remote images as images when the site opts in, and local images always', async () => {
    const remote = await renderMarkdown('![p](https://cdn.example/p.png)', { allowRemoteImages: true });
    expect(remote).toContain('<img src="https://cdn.example/p.png" alt="p">');
    const local = await renderMarkdown('![diagram](/img/diagram.png)');
    expect(local).toContain('<img src="/img/diagram.png" alt="diagram">');
  });

  it('refuses protocol-relative image and link targets', async () => {
    const html = await renderMarkdown(
      '![x](//evil.example/p.png) [phish](</\\evil.example/phish>) [ok](/runs/x)',
    );
    expect(html).not.toContain('<img');
    // markdown percent-encodes the backslash: a path on this site, not another host
    expect(html).not.toMatch(/(href|src)="(\/\/|\/\\|[^"]*\\)/);
    expect(html).toContain('<a href="/runs/x">ok</a>');
  });
});
