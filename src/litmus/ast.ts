/**
 * The AST of a herd7 C litmus test (the LKMM dialect; docs/LITMUS-FORMAT.md).
 * Every kernel primitive is resolved at parse time to a typed node that
 * carries its ordering, so an interpreter never looks at a function name
 * again (`fn` keeps the source spelling for messages only).
 */

/** Where a construct starts in the file (1-based line and column). */
export interface Pos {
  readonly line: number;
  readonly col: number;
}

/**
 * A value in a litmus state: an integer, or the symbolic address of a shared
 * location named by the string (herd prints `1:r0=x` for a pointer to x).
 */
export type LitmusValue = number | string;

/** `Result:` of the test's comment: the Observation herd7 is expected to print. */
export type Expected = 'Never' | 'Sometimes' | 'Always' | 'Maybe' | 'DEADLOCK';

// ---------------------------------------------------------------- orderings

/** Marked loads: READ_ONCE/rcu_dereference/atomic_read are 'once'. */
export type LoadOrder = 'plain' | 'once' | 'acquire';
/** Marked stores: WRITE_ONCE/atomic_set 'once'; rcu_assign_pointer is 'release'. */
export type StoreOrder = 'plain' | 'once' | 'release';
/** Value-returning RMWs; 'full' is LKMM's {mb} (fully ordered, no suffix). */
export type RmwOrder = 'relaxed' | 'acquire' | 'release' | 'full';
export type FenceKind =
  | 'mb'
  | 'rmb'
  | 'wmb'
  | 'before-atomic'
  | 'after-atomic'
  | 'after-spinlock'
  | 'after-unlock-lock'
  | 'after-srcu-read-unlock'
  | 'barrier';

// ---------------------------------------------------------------- expressions

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type UnaryOp = '!' | '-' | '~';

export interface ConstExpr { readonly kind: 'const'; readonly value: number; readonly pos: Pos }
/** A local register (declared in the process, or undeclared: herd treats those as registers too). */
export interface RegExpr { readonly kind: 'reg'; readonly name: string; readonly pos: Pos }
/** The address of shared location `name` (a parameter `x`, or `&x`). */
export interface GlobalExpr { readonly kind: 'global'; readonly name: string; readonly pos: Pos }
export interface UnaryExpr { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Expr; readonly pos: Pos }
export interface BinaryExpr { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
/** A load from the location `addr` points to; `*p` in C is order 'plain'. */
export interface LoadExpr { readonly kind: 'load'; readonly order: LoadOrder; readonly addr: Expr; readonly fn: string | null; readonly pos: Pos }

interface RmwBase { readonly kind: 'rmw'; readonly order: RmwOrder; readonly addr: Expr; readonly fn: string; readonly pos: Pos }
/** xchg*, atomic_xchg*: stores `value`, returns the old value. */
export interface XchgExpr extends RmwBase { readonly op: 'xchg'; readonly value: Expr }
/** cmpxchg*, atomic_cmpxchg*: stores `value` if the old value equals `expected`; returns the old value. A failed cmpxchg is a plain read with no ordering (LKMM). */
export interface CmpxchgExpr extends RmwBase { readonly op: 'cmpxchg'; readonly expected: Expr; readonly value: Expr }
/**
 * atomic_{add,sub,inc,dec,and,or,xor,andnot}* family. `returns`: 'none' for the
 * void forms (atomic_inc: order 'relaxed'), 'new' for *_return, 'old' for
 * fetch_*. `test` turns the new value into 0/1: *_and_test is `new == 0`,
 * add_negative is `new < 0`.
 */
export interface ArithRmwExpr extends RmwBase {
  readonly op: 'add' | 'sub' | 'and' | 'or' | 'xor' | 'andnot';
  readonly operand: Expr;
  readonly returns: 'none' | 'old' | 'new';
  readonly test: 'zero' | 'negative' | null;
}
/** atomic_add_unless(v, a, u): adds `operand` unless the old value equals `unless`; returns 1 if it added. Fully ordered when it adds. */
export interface AddUnlessExpr extends RmwBase { readonly op: 'add_unless'; readonly operand: Expr; readonly unless: Expr }
export type RmwExpr = XchgExpr | CmpxchgExpr | ArithRmwExpr | AddUnlessExpr;

/** spin_trylock (1 if acquired) and spin_is_locked. */
export interface SpinQueryExpr { readonly kind: 'spin-query'; readonly op: 'trylock' | 'is_locked'; readonly lock: Expr; readonly fn: string; readonly pos: Pos }
/** srcu_read_lock / srcu_down_read: returns the index to pass to the unlock. */
export interface SrcuLockExpr { readonly kind: 'srcu-lock'; readonly op: 'read_lock' | 'down_read'; readonly srcu: Expr; readonly fn: string; readonly pos: Pos }

export type Expr = ConstExpr | RegExpr | GlobalExpr | UnaryExpr | BinaryExpr | LoadExpr | RmwExpr | SpinQueryExpr | SrcuLockExpr;

// ---------------------------------------------------------------- statements

/** `int r0;`, `int r1 = 0;`, `int *r2;` (pointer: number of `*`). */
export interface DeclStmt { readonly kind: 'decl'; readonly name: string; readonly type: string; readonly pointer: number; readonly init: Expr | null; readonly pos: Pos }
/** `r = e;` to a register. */
export interface AssignStmt { readonly kind: 'assign'; readonly reg: string; readonly value: Expr; readonly pos: Pos }
/** A store to the location `addr` points to; `*p = v;` is order 'plain'. */
export interface StoreStmt { readonly kind: 'store'; readonly order: StoreOrder; readonly addr: Expr; readonly value: Expr; readonly fn: string | null; readonly pos: Pos }
/** smp_store_mb(x, v): a 'once' store then smp_mb(); kept as one node. */
export interface StoreMbStmt { readonly kind: 'store-mb'; readonly addr: Expr; readonly value: Expr; readonly fn: string; readonly pos: Pos }
export interface FenceStmt { readonly kind: 'fence'; readonly fence: FenceKind; readonly fn: string; readonly pos: Pos }
export interface SpinStmt { readonly kind: 'spin'; readonly op: 'lock' | 'unlock'; readonly lock: Expr; readonly fn: string; readonly pos: Pos }
export interface RcuStmt { readonly kind: 'rcu'; readonly op: 'read_lock' | 'read_unlock'; readonly fn: string; readonly pos: Pos }
/** srcu_read_unlock(ss, idx) / srcu_up_read(ss, idx). */
export interface SrcuUnlockStmt { readonly kind: 'srcu-unlock'; readonly op: 'read_unlock' | 'up_read'; readonly srcu: Expr; readonly index: Expr; readonly fn: string; readonly pos: Pos }
/** synchronize_rcu[_expedited]() (srcu null) or synchronize_srcu[_expedited](ss). */
export interface SyncStmt { readonly kind: 'sync'; readonly flavor: 'rcu' | 'srcu'; readonly srcu: Expr | null; readonly fn: string; readonly pos: Pos }
/** A value-returning call whose value is dropped (`atomic_inc(v);`, `xchg(x, 1);`). */
export interface EvalStmt { readonly kind: 'eval'; readonly expr: Expr; readonly pos: Pos }
export interface IfStmt { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] | null; readonly pos: Pos }
/** A `{ ... }` block inside a body (C scoping is not modelled: herd has none either). */
export interface BlockStmt { readonly kind: 'block'; readonly body: readonly Stmt[]; readonly pos: Pos }

export type Stmt = DeclStmt | AssignStmt | StoreStmt | StoreMbStmt | FenceStmt | SpinStmt | RcuStmt | SrcuUnlockStmt | SyncStmt | EvalStmt | IfStmt | BlockStmt;

// ---------------------------------------------------------------- test

/** `int *x` -> {name:'x', type:'int', pointer:1}: the process sees shared location x. */
export interface Param { readonly name: string; readonly type: string; readonly pointer: number; readonly pos: Pos }

export interface Process {
  readonly id: number;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly pos: Pos;
}

/** A location in a state or condition: register `proc:name`, or shared memory `name`. */
export type Loc = { readonly kind: 'reg'; readonly proc: number; readonly name: string } | { readonly kind: 'mem'; readonly name: string };

/** One init-block entry (`x=1;`, `int *p=&x;`, `atomic_t v = ATOMIC_INIT(1);`, `0:r1=2;`). */
export interface InitEntry { readonly loc: Loc; readonly type: string | null; readonly pointer: number; readonly value: LitmusValue; readonly pos: Pos }

/** A shared location as the interpreter must allocate it: type from the init block or a parameter. */
export interface Global { readonly name: string; readonly type: string; readonly init: LitmusValue }

export type Prop =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  /** `loc = value` (`!=` is a 'not' around it). */
  | { readonly kind: 'eq'; readonly loc: Loc; readonly value: LitmusValue }
  /** `loc = *loc2` / `loc = 1:r0`: compare two locations' final values. */
  | { readonly kind: 'eq-loc'; readonly loc: Loc; readonly other: Loc }
  | { readonly kind: 'not'; readonly arg: Prop }
  | { readonly kind: 'and'; readonly left: Prop; readonly right: Prop }
  | { readonly kind: 'or'; readonly left: Prop; readonly right: Prop }
  | { readonly kind: 'implies'; readonly left: Prop; readonly right: Prop };

export type Quantifier = 'exists' | 'not-exists' | 'forall';

export interface Condition { readonly quantifier: Quantifier; readonly prop: Prop; readonly pos: Pos }

export interface LitmusTest {
  readonly kind: 'litmus';
  readonly file: string;
  readonly name: string;
  readonly expected: Expected | null;
  readonly init: readonly InitEntry[];
  /** Every shared location (init block, parameters, pointer targets), sorted by name. */
  readonly globals: readonly Global[];
  readonly processes: readonly Process[];
  /** `locations [...]`: extra locations herd prints in each state. */
  readonly locations: readonly Loc[];
  readonly filter: Prop | null;
  readonly condition: Condition;
}

/** A construct this front end (or herd7's C dialect) does not handle. */
export interface LitmusUnsupported {
  readonly kind: 'unsupported';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly construct: string;
  /** `unsupported: <file>:<line>:<col> <construct>` */
  readonly message: string;
}

/** Malformed input: not a litmus test herd7 would accept. */
export interface LitmusSyntaxError {
  readonly kind: 'syntax';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly construct: string;
  /** `syntax error: <file>:<line>:<col> <what>` */
  readonly message: string;
}

export type LitmusParseError = LitmusUnsupported | LitmusSyntaxError;
