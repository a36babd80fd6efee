/**
 * Subsystems own their slice of kernel memory, as each LSM owns its slice of
 * the cred blob (security/security.c: lsm_set_blob_sizes() gives Landlock its
 * `lbs_cred` offset, and landlock_cred() adds it to cred->security).
 *
 * A subsystem declares, in its own folder, the words it needs in the shared
 * records (task_struct, cred, signal_struct), its kernel-wide words, and its
 * slab caches. The runtime knows none of them by name: `computeLayout()` places
 * every registered subsystem's slice after the core fields and writes the
 * offsets back into the subsystem's descriptor, so subsystem code reads
 * `seccomp.task.mode` (an offset within the task record) or
 * `seccomp.cache.seccomp_filter` (a slab cache id).
 *
 * Threads must agree on the layout: the harness lists the subsystems of a run
 * in `LayoutConfig.subsystems` (name and module URL, in registration order);
 * every worker imports those modules before it builds its view of the memory,
 * and the layout hash covers every declared word, so a mismatch is refused.
 * Built-in subsystems are registered by `src/subsystems/index.ts`, which the
 * harness imports before any scenario, so their offsets never move within a
 * process; a scenario's own subsystem registers when its module loads and is
 * placed after them.
 */

/** Words by field name: `{ mode: 1, exit_lists: 16 }` (declaration order is placement order). */
export type Fields = Readonly<Record<string, number>>;

export interface CacheDecl {
  /** Payload words (without the slab header). */
  readonly words: number;
  /** Objects per iteration (slots are recycled through the free list). */
  readonly capacity: number;
  /** Field names by payload offset, for reports ("seccomp_filter#3.users"). */
  readonly fields?: Readonly<Record<number, string>>;
}

export interface SubsystemDecl {
  /** Unique name; also the prefix of its reports. */
  readonly name: string;
  /** `import.meta.url` of the module that defines it: workers import it to build the same layout. */
  readonly url: string;
  /** Kernel-wide words (zeroed before every iteration). */
  readonly global?: Fields;
  /** Words in every task record (task_struct). */
  readonly task?: Fields;
  /** Words in every cred (the LSM blob). */
  readonly cred?: Fields;
  /** Words in every signal_struct. */
  readonly signal?: Fields;
  /** Slab caches, by the kernel's cache name. */
  readonly caches?: Readonly<Record<string, CacheDecl>>;
}

type Offsets<F> = { readonly [K in keyof F]: number };

/** What subsystem code uses: offsets, valid once a layout has been computed in this thread. */
export interface Subsystem<D extends SubsystemDecl = SubsystemDecl> {
  readonly decl: D;
  readonly name: string;
  /** Absolute header word of each kernel-wide field. */
  readonly global: Offsets<NonNullable<D['global']>>;
  /** Offset of each field within a task record (use with `k.tget`/`k.base(slot)`). */
  readonly task: Offsets<NonNullable<D['task']>>;
  /** Offset of each field within a cred payload. */
  readonly cred: Offsets<NonNullable<D['cred']>>;
  /** Offset of each field within a signal_struct payload. */
  readonly signal: Offsets<NonNullable<D['signal']>>;
  /** Slab cache id of each declared cache. */
  readonly cache: Offsets<NonNullable<D['caches']>>;
}

const registry: Subsystem[] = [];
const byName = new Map<string, Subsystem>();

/** Register a subsystem (once, at module load). Returns the descriptor its code reads offsets from. */
export function defineSubsystem<const D extends SubsystemDecl>(decl: D): Subsystem<D> {
  const old = byName.get(decl.name);
  if (old) {
    if (old.decl.url !== decl.url) throw new Error(`subsystem ${decl.name} is defined twice (${old.decl.url}, ${decl.url})`);
    return old as unknown as Subsystem<D>;
  }
  const blank = (f: object | undefined): Record<string, number> => Object.fromEntries(Object.keys(f ?? {}).map((n) => [n, -1]));
  const s = {
    decl,
    name: decl.name,
    global: blank(decl.global),
    task: blank(decl.task),
    cred: blank(decl.cred),
    signal: blank(decl.signal),
    cache: blank(decl.caches),
  } as unknown as Subsystem<D>;
  registry.push(s as unknown as Subsystem);
  byName.set(decl.name, s as unknown as Subsystem);
  return s;
}

/** A subsystem as a layout names it. */
export interface SubsystemRef {
  readonly name: string;
  readonly url: string;
}

/** Every subsystem registered in this thread, in registration order. */
export function registeredSubsystems(): readonly SubsystemRef[] {
  return registry.map((s) => ({ name: s.name, url: s.decl.url }));
}

/** Import the modules of a layout's subsystems that this thread has not loaded yet (workers). */
export async function loadSubsystems(refs: readonly SubsystemRef[]): Promise<void> {
  for (const r of refs) if (!byName.has(r.name)) await import(r.url);
  for (const r of refs) if (!byName.has(r.name)) throw new Error(`${r.url} did not define subsystem ${r.name}`);
}

/** Resolve the refs of a layout to this thread's descriptors, in the layout's order. */
export function subsystemsOf(refs: readonly SubsystemRef[]): Subsystem[] {
  return refs.map((r) => {
    const s = byName.get(r.name);
    if (!s) throw new Error(`subsystem ${r.name} is not loaded in this thread (${r.url})`);
    return s;
  });
}

/**
 * Place each subsystem's fields of one record kind from `base` on, writing the
 * offsets into the descriptors. Returns the first word past the last slice.
 */
export function placeSlices(subs: readonly Subsystem[], kind: 'global' | 'task' | 'cred' | 'signal', base: number): number {
  let at = base;
  for (const s of subs) {
    const out = s[kind] as Record<string, number>;
    for (const [field, words] of Object.entries(s.decl[kind] ?? {})) {
      out[field] = at;
      at += words;
    }
  }
  return at;
}

/** Everything a subsystem declares, as text for the layout hash. */
export function sliceShape(s: Subsystem): string {
  const d = s.decl;
  const part = (f: Fields | undefined): string => Object.entries(f ?? {}).map(([n, w]) => `${n}:${w}`).join(';');
  const caches = Object.entries(d.caches ?? {}).map(([n, c]) => `${n}:${c.words}:${c.capacity}`).join(';');
  return `${d.name}|g=${part(d.global)}|t=${part(d.task)}|c=${part(d.cred)}|s=${part(d.signal)}|k=${caches}`;
}
