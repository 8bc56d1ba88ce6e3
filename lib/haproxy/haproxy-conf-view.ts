/**
 * A small parser of haproxy.conf into sections and directives, for precise assertions in tests
 * (ours and users'). It follows HAProxy's tokenizer: blanks separate words, `#` outside quotes
 * starts a comment, `\` escapes the next character, `"…"` and `'…'` quote (quoted pieces and
 * plain text next to each other form one word). Environment variables are not expanded.
 */

/** Section keywords HAProxy knows (a line starting with one of these opens a section). */
const SECTION_KINDS = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist',
  'cache', 'program', 'http-errors', 'ring', 'mailers', 'crt-store', 'traces',
]);

/** Thrown when a haproxy.conf cannot be tokenized or has a directive outside any section. */
export class HaproxyParseError extends Error {
  /** 1-based line number of the problem. */
  public readonly line: number;
  constructor(message: string, line: number) {
    super(`haproxy.conf line ${line}: ${message}`);
    this.name = 'HaproxyParseError';
    this.line = line;
    Object.setPrototypeOf(this, HaproxyParseError.prototype);
  }
}

/** One directive: a keyword and its arguments, with the line it was on. */
export class HaproxyDirective {
  /** The first word, e.g. `bind`, `http-request`, `timeout`. */
  public readonly keyword: string;
  /** The remaining words, unquoted. */
  public readonly args: string[];
  /** 1-based line number in the file. */
  public readonly line: number;

  /** Creates a directive (normally done by `HaproxyConfView.parse`). */
  constructor(keyword: string, args: string[], line: number) {
    this.keyword = keyword;
    this.args = args;
    this.line = line;
  }

  /** Keyword and arguments joined by single spaces (quotes removed). */
  public get text(): string {
    return [this.keyword, ...this.args].join(' ');
  }

  /**
   * The argument that follows `word` (e.g. `valueAfter('crt')` on a bind line).
   * @returns the next word, or undefined when `word` is absent or last
   */
  public valueAfter(word: string): string | undefined {
    const i = this.args.indexOf(word);
    return i >= 0 && i + 1 < this.args.length ? this.args[i + 1] : undefined;
  }

  /** Whether `word` is one of the arguments. */
  public hasArg(word: string): boolean {
    return this.args.includes(word);
  }
}

/** One section (`global`, `frontend fe_web`, …) with its directives in file order. */
export class HaproxySection {
  /** The section keyword: `global`, `defaults`, `frontend`, `backend`, `listen`, `peers`, … */
  public readonly kind: string;
  /**
   * The section name (`fe_web`).
   * @default - none (`global`, unnamed `defaults`)
   */
  public readonly name?: string;
  /** Extra words of the header line after the name (e.g. `from base`). */
  public readonly headerArgs: string[];
  /** 1-based line number of the header. */
  public readonly line: number;
  /** The directives, in file order. */
  public readonly directives: HaproxyDirective[];

  /** Creates an empty section (normally done by `HaproxyConfView.parse`). */
  constructor(kind: string, headerArgs: string[], line: number, name?: string) {
    this.kind = kind;
    this.name = name;
    this.headerArgs = headerArgs;
    this.line = line;
    this.directives = [];
  }

  /**
   * The directives whose leading words are `keyword` (one word such as `bind`, or several
   * such as `timeout client` or `http-request redirect`), in file order.
   */
  public find(keyword: string): HaproxyDirective[] {
    const words = keyword.trim().split(/\s+/);
    return this.directives.filter((d) => d.keyword === words[0] && words.slice(1).every((w, i) => d.args[i] === w));
  }

  /**
   * The first directive matching `keyword` (see `find`).
   * @returns the directive, or undefined
   */
  public findFirst(keyword: string): HaproxyDirective | undefined {
    return this.find(keyword)[0];
  }

  /** The keywords of all directives, in file order (useful to assert order). */
  public get keywords(): string[] {
    return this.directives.map((d) => d.keyword);
  }
}

/** A parsed haproxy.conf. */
export class HaproxyConfView {
  /**
   * Parses haproxy.conf text.
   * @throws HaproxyParseError on an unterminated quote or a directive outside any section
   */
  public static parse(text: string): HaproxyConfView {
    return new HaproxyConfView(parseSections(text));
  }

  /**
   * Splits one line into words with HAProxy's quoting rules (a trailing comment is dropped).
   * @throws HaproxyParseError on an unterminated quote
   */
  public static tokenize(line: string): string[] {
    return tokenizeHaproxyLine(line, 1);
  }

  /** Every section, in file order. */
  public readonly sections: HaproxySection[];

  private constructor(sections: HaproxySection[]) {
    this.sections = sections;
  }

  /**
   * The first section of `kind` with `name` (or, without `name`, the first of that kind).
   * @returns the section, or undefined
   */
  public section(kind: string, name?: string): HaproxySection | undefined {
    return this.sections.find((s) => s.kind === kind && (name === undefined || s.name === name));
  }

  /** All sections of `kind`, in file order. */
  public sectionsOf(kind: string): HaproxySection[] {
    return this.sections.filter((s) => s.kind === kind);
  }

  /** The names of the sections of `kind`, in file order. */
  public names(kind: string): string[] {
    return this.sectionsOf(kind).map((s) => s.name ?? '');
  }
}

/** Splits one line into words with HAProxy's quoting rules. Drops a trailing comment. */
function tokenizeHaproxyLine(source: string, lineNo: number): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    if (c === '#') break;
    inWord = true;
    if (c === '\\') {
      if (i + 1 < source.length) cur += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = source.indexOf("'", i + 1);
      if (end < 0) throw new HaproxyParseError('unterminated single quote', lineNo);
      cur += source.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < source.length) {
        const d = source[i];
        if (d === '\\' && i + 1 < source.length) {
          cur += source[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        cur += d;
        i++;
      }
      if (!closed) throw new HaproxyParseError('unterminated double quote', lineNo);
      continue;
    }
    cur += c;
    i++;
  }
  if (inWord) words.push(cur);
  return words;
}

function parseSections(text: string): HaproxySection[] {
  const sections: HaproxySection[] = [];
  let current: HaproxySection | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const words = tokenizeHaproxyLine(lines[n], lineNo);
    if (words.length === 0) continue;
    const [keyword, ...args] = words;
    if (SECTION_KINDS.has(keyword)) {
      current = new HaproxySection(keyword, args.slice(1), lineNo, args[0]);
      sections.push(current);
      continue;
    }
    if (!current) throw new HaproxyParseError(`directive "${keyword}" outside any section`, lineNo);
    current.directives.push(new HaproxyDirective(keyword, args, lineNo));
  }
  return sections;
}
