/**
 * A strict parser for the small subset of XML 1.0 that reports are written in: an optional
 * declaration, comments, elements with attributes, text, the five predefined entities and
 * character references. It throws on anything that is not well formed (an unescaped `<` or `&`,
 * unbalanced tags, a duplicate attribute, a character XML 1.0 cannot carry), which is what a CI
 * server's JUnit reader would choke on. No DTDs, CDATA or processing instructions: reports do not
 * write them, so meeting one is an error too.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  readonly text: string;
}

/** Every element named `name` in the tree, depth first, the root included. */
export function elementsNamed(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (e.name === name) found.push(e);
    e.children.forEach(visit);
  };
  visit(root);
  return found;
}

/** The value of an attribute; throws (a test failure) when it is missing. */
export function attribute(element: XmlElement, name: string): string {
  const value = element.attributes[name];
  if (value === undefined) throw new Error(`<${element.name}> has no ${name} attribute`);
  return value;
}

/** XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/**
 * Parses `source` and returns its root element.
 *
 * @example
 * const root = parseXml('<a x="1"><b/></a>');
 * root.children[0]?.name; // 'b'
 */
export function parseXml(source: string): XmlElement {
  // for..of walks code points, so a lone surrogate shows up as itself.
  let offset = 0;
  for (const ch of source) {
    const cp = ch.codePointAt(0) ?? 0;
    const lone = cp >= 0xd800 && cp <= 0xdfff;
    if (lone || !isXmlChar(cp)) {
      throw new Error(
        `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at offset ${offset} is not allowed in XML 1.0`,
      );
    }
    offset += ch.length;
  }

  let pos = 0;
  const fail = (what: string): never => {
    const line = source.slice(0, pos).split('\n').length;
    throw new Error(`not well-formed XML at line ${line}: ${what}`);
  };
  const startsWith = (s: string) => source.startsWith(s, pos);
  const skipSpace = () => {
    while (pos < source.length && /\s/.test(source.charAt(pos))) pos++;
  };
  const skipComments = () => {
    for (;;) {
      skipSpace();
      if (!startsWith('<!--')) return;
      const end = source.indexOf('-->', pos + 4);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
    }
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(source);
    if (!m) return fail(`expected a name, found ${JSON.stringify(source.slice(pos, pos + 10))}`);
    pos += m[0].length;
    return m[0];
  };
  /** Decodes text, checking that every `&` starts a known entity or character reference. */
  const decode = (raw: string): string =>
    raw.replace(/&([^;]*);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail(`a bare & in ${JSON.stringify(raw.slice(0, 60))}`);
      const named = ENTITIES[ref];
      if (named !== undefined) return named;
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (!numeric) return fail(`unknown entity ${whole}`);
      const cp = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!isXmlChar(cp)) return fail(`character reference ${whole} is not an XML character`);
      return String.fromCodePoint(cp);
    });

  const element = (): XmlElement => {
    if (!startsWith('<')) fail('expected an element');
    pos++;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = pos;
      skipSpace();
      if (startsWith('/>')) {
        pos += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (startsWith('>')) {
        pos++;
        break;
      }
      if (pos === before) fail(`expected a blank before the attribute in <${tag}>`);
      const attr = name();
      skipSpace();
      if (!startsWith('=')) fail(`attribute ${attr} of <${tag}> has no value`);
      pos++;
      skipSpace();
      const quote = source.charAt(pos);
      if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${tag}> is not quoted`);
      const end = source.indexOf(quote, pos + 1);
      if (end < 0) fail(`attribute ${attr} of <${tag}> is not closed`);
      const raw = source.slice(pos + 1, end);
      if (raw.includes('<')) fail(`attribute ${attr} of <${tag}> contains a raw <`);
      if (attr in attributes) fail(`attribute ${attr} appears twice in <${tag}>`);
      attributes[attr] = decode(raw);
      pos = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const lt = source.indexOf('<', pos);
      if (lt < 0) fail(`<${tag}> is not closed`);
      const raw = source.slice(pos, lt);
      if (raw.includes(']]>')) fail(`]]> in the text of <${tag}>`);
      text += decode(raw);
      pos = lt;
      if (startsWith('</')) {
        pos += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (!startsWith('>')) fail(`</${closing}> is not closed`);
        pos++;
        return { name: tag, attributes, children, text };
      }
      if (startsWith('<!--')) {
        skipComments();
        continue;
      }
      if (startsWith('<!') || startsWith('<?')) fail(`unsupported markup in <${tag}>`);
      children.push(element());
    }
  };

  if (startsWith('\uFEFF')) pos++;
  if (startsWith('<?xml')) {
    const end = source.indexOf('?>', pos);
    if (end < 0) fail('unterminated XML declaration');
    pos = end + 2;
  }
  skipComments();
  const root = element();
  skipComments();
  if (pos !== source.length) fail('content after the root element');
  return root;
}
