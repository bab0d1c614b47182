// Postmortems are written by templates and by people, and may quote hostile input (a log line with
// `<script>`). Raw HTML in the markdown is turned into text before conversion, so it shows as
// written and is never interpreted; the HTML that markdown itself produces then goes through
// rehype-sanitize (GitHub's schema: no scripts, no event handlers, no `javascript:` URLs).
//
// The unified packages are ESM-only and loaded lazily with `import()`; in the CommonJS build (the
// one Docusaurus loads) that becomes `require()` of an ES module, which needs Node >= 20.19.

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

function rawHtmlAsText() {
  const walk = (node: MdNode): void => {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(walk);
  };
  return (tree: MdNode) => walk(tree);
}

async function createProcessors() {
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
      .use(rehypeStringify.default)
      .freeze(),
    parse: unified().use(remarkParse.default).freeze(),
  };
}

let processors: ReturnType<typeof createProcessors> | undefined;
const getProcessors = () => {
  processors ??= createProcessors();
  return processors;
};

/** Renders postmortem markdown to sanitized HTML. */
export async function renderMarkdown(markdown: string): Promise<string> {
  return String(await (await getProcessors()).html.process(markdown));
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
