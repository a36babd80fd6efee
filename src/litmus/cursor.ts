/**
 * One-token lookahead over the lexer, in a mode the parser sets per section,
 * and the two failures a parse can end with. A lookahead lexed in one mode is
 * re-lexed when the mode changes, so `(*` right after a process body is an
 * OCaml comment and inside it is C.
 */
import type { LitmusParseError, Pos } from './ast.js';
import { Lexer, LexError, type Mode, type Token } from './lexer.js';

/** Thrown inside the parser; parseLitmus turns it into a LitmusParseError value. */
export class ParseFailure extends Error {
  constructor(
    readonly kind: 'unsupported' | 'syntax',
    readonly pos: Pos,
    readonly construct: string,
  ) {
    super(construct);
  }

  toResult(file: string): LitmusParseError {
    const where = `${file}:${this.pos.line}:${this.pos.col}`;
    return this.kind === 'unsupported'
      ? { kind: 'unsupported', file, line: this.pos.line, col: this.pos.col, construct: this.construct, message: `unsupported: ${where} ${this.construct}` }
      : { kind: 'syntax', file, line: this.pos.line, col: this.pos.col, construct: this.construct, message: `syntax error: ${where} ${this.construct}` };
  }
}

export function unsupported(pos: Pos, construct: string): never {
  throw new ParseFailure('unsupported', pos, construct);
}

export function syntax(pos: Pos, what: string): never {
  throw new ParseFailure('syntax', pos, what);
}

export function describe(tok: Token): string {
  return tok.t === 'eof' ? 'end of file' : tok.t === 'str' ? `"${tok.v}"` : `'${tok.v}'`;
}

export class Cursor {
  readonly lexer: Lexer;
  private ahead: Token | null = null;
  private mode: Mode = 'herd';

  constructor(src: string) {
    this.lexer = new Lexer(src);
  }

  setMode(mode: Mode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.unread();
  }

  peek(): Token {
    if (!this.ahead) {
      try {
        this.ahead = this.lexer.next(this.mode);
      } catch (e) {
        if (e instanceof LexError) syntax(e.pos, e.message);
        throw e;
      }
    }
    return this.ahead;
  }

  take(): Token {
    const t = this.peek();
    this.ahead = null;
    return t;
  }

  /** The raw rest of the line after the last token taken. */
  restOfLine(): string {
    this.unread();
    return this.lexer.restOfLine();
  }

  /** The raw next word on the line of the last token taken. */
  word(): string {
    this.unread();
    return this.lexer.word();
  }

  /** Drop the lookahead and rewind the lexer to its start, to read it again another way. */
  private unread(): void {
    if (!this.ahead) return;
    this.lexer.reset(this.ahead.start, this.ahead.pos);
    this.ahead = null;
  }

  is(v: string): boolean {
    const t = this.peek();
    return (t.t === 'punct' || t.t === 'ident') && t.v === v;
  }

  eat(v: string): boolean {
    if (!this.is(v)) return false;
    this.take();
    return true;
  }

  expect(v: string, context: string): Token {
    const t = this.peek();
    if (!this.is(v)) syntax(t.pos, `expected '${v}' ${context}, found ${describe(t)}`);
    return this.take();
  }

  ident(context: string): Extract<Token, { t: 'ident' }> {
    const t = this.take();
    if (t.t !== 'ident') syntax(t.pos, `expected a name ${context}, found ${describe(t)}`);
    return t;
  }
}
