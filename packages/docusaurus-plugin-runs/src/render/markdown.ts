// Postmortems are written by templates and by people, and may quote hostile input (a log line with
// `<script>`). Raw HTML in the markdown is turned into text before conversion, so it shows as
// written and is never interpreted; the HTML that markdown itself produces then goes through
// rehype-sanitize (GitHub's schema: no scripts, no event handlers, no `javascript:` URLs).
//
// The unified packages are ESM-only and loaded lazily with `import()`; in the CommonJS build (the
// one Docusaurus loads) that becomes `require()` of an ES module, which needs Node >= 20.19.

import { isLocalImageSrc, isSafeAbsoluteUrl, isSafeHref } from './safe-href.js';

interface MdNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: MdNode[];
}

/** How postmortem markdown is rendered. */
export interface RenderMarkdownOptions {
  /**
   * Show images from other hosts as images. Off by default: a remote image is fetched by every
   * reader's browser (a tracking pixel), so it is rendered as a link to the image instead.
   */
  allowRemoteImages?: boolean;
}

function rawHtmlAsText() {
  const walk = (node: MdNode): void => {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(walk);
  };
  return (tree: MdNode) => walk(tree);
}

// After sanitizing: a link whose target the browser would read as another host (`/\\evil`, `//evil`)
// loses its href; an image from another host becomes a link to it (or its alt text).
function guardUrls(options: { allowRemoteImages: boolean }) {
  const walk = (node: MdNode, parent: MdNode | undefined, index: number): void => {
    if (node.type === 'element' && node.properties) {
      const props = node.properties;
      if (node.tagName === 'a' && typeof props.href === 'string') {
        const href = props.href;
        if (!isSafeHref(href) && !isLocalImageSrc(href) && !/^mailto:[^\\\s]+$/i.test(href))
          delete props.href;
      }
      if (node.tagName === 'img' && parent?.children) {
        const src = typeof props.src === 'string' ? props.src : '';
        if (!(isLocalImageSrc(src) || (options.allowRemoteImages && isSafeAbsoluteUrl(src)))) {
          const alt = typeof props.alt === 'string' && props.alt !== '' ? props.alt : src;
          parent.children[index] = isSafeAbsoluteUrl(src)
            ? {
                type: 'element',
                tagName: 'a',
                properties: { href: src, dataRemoteImage: 'true' },
                children: [{ type: 'text', value: `image: ${alt}` }],
              }
            : { type: 'text', value: alt };
          return;
        }
      }
    }
    node.children?.forEach((child, i) => {
      walk(child, node, i);
    });
  };
  return (tree: MdNode) => walk(tree, undefined, 0);
}

async function createProcessors(options: { allowRemoteImages: boolean }) {
  const [{ unified }, remarkParse, remarkGfm, remarkRehype, rehypeSanitize, rehypeStringify] =
    await Promise.all([
      import('unified'),
      import('remark-parse'),
      import('remark-gfm'),
      import('remark-rehype'),
      import('rehype-sanitize'),
      import('rehype-stringify'),
    ]);
  return {
    html: unified()
      .use(remarkParse.default)
      .use(remarkGfm.default)
      .use(rawHtmlAsText)
      .use(remarkRehype.default)
      .use(rehypeSanitize.default, { ...rehypeSanitize.defaultSchema, clobberPrefix: 'pm-' })
      .use(guardUrls, options)
      .use(rehypeStringify.default)
      .freeze(),
    parse: unified().use(remarkParse.default).freeze(),
  };
}

const processors = new Map<boolean, ReturnType<typeof createProcessors>>();
const getProcessors = (allowRemoteImages = false) => {
  let p = processors.get(allowRemoteImages);
  if (!p) {
    p = createProcessors({ allowRemoteImages });
    processors.set(allowRemoteImages, p);
  }
  return p;
};

/** Renders postmortem markdown to sanitized HTML (remote images as links unless allowed). */
export async function renderMarkdown(markdown: string, options: RenderMarkdownOptions = {}): Promise<string> {
  return String(await (await getProcessors(options.allowRemoteImages ?? false)).html.process(markdown));
}

/** The plain text of markdown (for excerpts and search), without markup. */
export async function markdownText(markdown: string): Promise<string> {
  const tree = (await getProcessors()).parse.parse(markdown) as MdNode;
  const parts: string[] = [];
  const walk = (node: MdNode): void => {
    if (typeof node.value === 'string') parts.push(node.value);
    node.children?.forEach(walk);
  };
  walk(tree);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}
