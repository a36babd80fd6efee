/**
 * Tokens of a litmus file. herd7 reads a litmus test with several parsers,
 * so comment syntax depends on the section (kernel litmus-tests.txt,
 * "Comments"): the process code takes C comments only, because `(*x)` there
 * is C; the header, init block and condition take OCaml `(* *)` comments, and
 * C comments are accepted there too since kernel tests put `// D` after the
 * init block. The parser therefore asks for each token in a mode.
 */
import type { Pos } from './ast.js';

export type Mode = 'herd' | 'c';

export type Token =
  | { readonly t: 'ident'; readonly v: string; readonly pos: Pos; readonly start: number }
  | { readonly t: 'num'; readonly v: number; readonly pos: Pos; readonly start: number }
  | { readonly t: 'str'; readonly v: string; readonly pos: Pos; readonly start: number }
  | { readonly t: 'punct'; readonly v: string; readonly pos: Pos; readonly start: number }
  | { readonly t: 'eof'; readonly v: ''; readonly pos: Pos; readonly start: number };

/** A `(* ... *)` comment's text and where it starts (the `Result:` line lives in one). */
export interface Comment {
  readonly text: string;
  readonly pos: Pos;
}

// Longest first, so `/\` wins over `/` and `<<` over `<`.
const HERD_PUNCT = ['/\\', '\\/', '=>', '==', '!=', '~', '(', ')', '[', ']', '{', '}', ';', ':', '=', '*', '&', ',', '-'];
const C_PUNCT = [
  '<<=', '>>=', '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '->', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '(', ')', '{', '}', '[', ']', ';', ',', '=', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '<', '>', '?', ':', '.',
];

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/y;
const WORD = /\S+/y;

export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message);
  }
}

export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;
  readonly comments: Comment[] = [];

  constructor(private readonly src: string) {}

  /** Byte offset of the next unread character (to re-lex a token in another mode). */
  get offset(): number {
    return this.i;
  }

  /** Rewind to a token's start (its pos is the line/col there). */
  reset(start: number, pos: Pos): void {
    this.i = start;
    this.line = pos.line;
    this.col = pos.col;
  }

  pos(): Pos {
    return { line: this.line, col: this.col };
  }

  private advance(n: number): void {
    for (let k = 0; k < n; k++) {
      if (this.src[this.i] === '\n') {
        this.line++;
        this.col = 1;
      } else this.col++;
      this.i++;
    }
  }

  /** The rest of the current line, raw (for `C name` and `key=value` header lines). */
  restOfLine(): string {
    const end = this.src.indexOf('\n', this.i);
    const stop = end < 0 ? this.src.length : end;
    const text = this.src.slice(this.i, stop);
    this.advance(stop - this.i);
    return text;
  }

  private match(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.i;
    return re.exec(this.src);
  }

  /** The next blank-delimited word on the current line (the test name after `C`), or ''. */
  word(): string {
    while (this.src[this.i] === ' ' || this.src[this.i] === '\t') this.advance(1);
    const m = this.match(WORD);
    if (!m) return '';
    this.advance(m[0].length);
    return m[0];
  }

  /** Skips blanks and the comments the mode allows. */
  private skip(mode: Mode): void {
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
        this.advance(1);
      } else if (this.src.startsWith('//', this.i)) {
        const end = this.src.indexOf('\n', this.i);
        this.advance((end < 0 ? this.src.length : end) - this.i);
      } else if (this.src.startsWith('/*', this.i)) {
        const start = this.pos();
        const end = this.src.indexOf('*/', this.i + 2);
        if (end < 0) throw new LexError('unterminated /* comment', start);
        this.advance(end + 2 - this.i);
      } else if (mode === 'herd' && this.src.startsWith('(*', this.i)) {
        this.ocamlComment();
      } else return;
    }
  }

  /** OCaml comments nest. */
  private ocamlComment(): void {
    const start = this.pos();
    const from = this.i;
    let depth = 0;
    do {
      if (this.i >= this.src.length) throw new LexError('unterminated (* comment', start);
      if (this.src.startsWith('(*', this.i)) {
        depth++;
        this.advance(2);
      } else if (this.src.startsWith('*)', this.i)) {
        depth--;
        this.advance(2);
      } else this.advance(1);
    } while (depth > 0);
    this.comments.push({ text: this.src.slice(from + 2, this.i - 2), pos: start });
  }

  next(mode: Mode): Token {
    this.skip(mode);
    const pos = this.pos();
    const start = this.i;
    const rest = this.src.slice(this.i, this.i + 3);
    if (this.i >= this.src.length) return { t: 'eof', v: '', pos, start };
    const c = this.src[this.i]!;
    if (/[A-Za-z_]/.test(c)) {
      const m = this.match(IDENT)!;
      this.advance(m[0].length);
      return { t: 'ident', v: m[0], pos, start };
    }
    if (/[0-9]/.test(c)) {
      // C integer suffixes (1UL) are accepted and dropped: herd7 values are integers.
      const m = this.match(NUMBER)!;
      this.advance(m[0].length);
      if (/[A-Za-z_0-9]/.test(this.src[this.i] ?? '')) throw new LexError(`bad number ${m[0]}${this.src[this.i]}`, pos);
      return { t: 'num', v: Number(m[1]), pos, start };
    }
    if (c === '"' && mode === 'herd') {
      const end = this.src.indexOf('"', this.i + 1);
      if (end < 0) throw new LexError('unterminated string', pos);
      const v = this.src.slice(this.i + 1, end);
      this.advance(end + 1 - this.i);
      return { t: 'str', v, pos, start };
    }
    for (const p of mode === 'herd' ? HERD_PUNCT : C_PUNCT) {
      if (rest.startsWith(p)) {
        this.advance(p.length);
        return { t: 'punct', v: p, pos, start };
      }
    }
    this.advance(1);
    return { t: 'punct', v: c, pos, start };
  }
}
