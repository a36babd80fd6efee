/**
 * Landlock's slice of kernel memory: its kernel-wide words, its part of the
 * cred blob (struct landlock_cred_security, security/landlock/cred.h, at the
 * `lbs_cred` offset security/security.c gives it), TSYNC instrumentation in
 * signal_struct, and its slab caches. `computeLayout` writes the offsets into
 * `landlock`; read them at run time (`landlock.cred.domain`), never copy them
 * into module-level constants.
 */
import { defineSubsystem } from '../../runtime/index.js';
import { TS_FIELDS, TS_WORDS, TW_TASK, TW_WORDS, TWA_WORDS } from './tsync-context.js';

// ----- struct landlock_ruleset (security/landlock/ruleset.h): rulesets and domains -----
export const LR_IS_DOMAIN = 0;
export const LR_NUM_LAYERS = 1;
/** Domains: the parent domain (handle) this one stacks on (the kernel's hierarchy->parent). */
export const LR_PARENT = 2;
export const LR_ACCESS_FS = 3;
/** LANDLOCK_SCOPE_* handled by this ruleset / this domain's top layer. */
export const LR_SCOPE = 4;
/** hierarchy->id (security/landlock/id.c). */
export const LR_ID = 5;
/**
 * Logging flags of the top layer (LOG_SAME_EXEC | LOG_NEW_EXEC | LOG_MUTED):
 * hierarchy->log_same_exec, log_new_exec, and whether log_subdomains_off was
 * already set when the layer was created (then its log_status is
 * LANDLOCK_LOG_DISABLED, security/landlock/syscalls.c).
 */
export const LR_LOG = 6;
export const LOG_SAME_EXEC = 1;
export const LOG_NEW_EXEC = 2;
export const LOG_MUTED = 4;
/**
 * AUDIT_LANDLOCK_ACCESS records landlock_log_denial() emitted for denials
 * this layer is the youngest denier of: the records the audit selftests
 * count (tools/testing/selftests/landlock/audit_test.c). The only mutable
 * word of a domain: atomic64_inc()-style RMWs.
 */
export const LR_LOGGED_DENIALS = 7;
export const LR_WORDS = 8;

export const landlock = defineSubsystem({
  name: 'landlock',
  url: import.meta.url,
  global: {
    /**
     * Non-zero: Landlock is not initialised (landlock_initialized is false,
     * security/landlock/setup.c) and its syscalls return -EOPNOTSUPP. Inverted
     * so that the zeroed header of a new iteration means "initialised".
     */
    disabled: 1,
    /** next_id (security/landlock/id.c): the audit identity of the next domain. */
    next_id: 1,
  },
  cred: {
    /** Handle of a landlock_ruleset that is a domain, or 0. */
    domain: 1,
    domain_exec: 1,
    log_subdomains_off: 1,
  },
  signal: {
    /** Instrumentation for I-LL8: TSYNC calls of this thread group inside S2..S5 right now, and the most seen. */
    tsync_active: 1,
    tsync_max: 1,
  },
  caches: {
    landlock_ruleset: { words: LR_WORDS, capacity: 1024, fields: { [LR_NUM_LAYERS]: 'num_layers', [LR_PARENT]: 'parent' } },
    tsync_shared_context: { words: TS_WORDS, capacity: 64, fields: TS_FIELDS },
    tsync_work: { words: TW_WORDS, capacity: 1024, fields: { [TW_TASK]: 'task' } },
    tsync_works_array: { words: TWA_WORDS, capacity: 64 },
  },
});
