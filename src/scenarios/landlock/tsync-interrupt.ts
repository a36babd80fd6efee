/**
 * tsync_test.c tsync_interrupt: a no-op SIGUSR1 handler installed with
 * sa_flags = 0 (no SA_RESTART), NNP, `idle` idle threads (the selftest uses
 * 200; `--param idle=200` runs that size, the default stays small so a run
 * is fast), and a signaler thread that keeps sending SIGUSR1 to the caller
 * until landlock_restrict_self(fd, TSYNC) has returned. The call returns 0:
 * each interruption of the all_prepared wait cancels the queued works,
 * aborts the prepared siblings and restarts the syscall (-ERESTARTNOINTR,
 * restarted whatever SA_RESTART says), invisibly to user space.
 *
 * The planted bugs on that path: L19 hands -EINTR to user space, L20
 * returns -ERESTARTSYS (invisible under SA_RESTART, -EINTR here; run with
 * `--param sa_restart=true` to see it hide), L21 leaves cancelled works in
 * num_unfinished (the caller never leaves S4), L22 breaks out without
 * recording the interruption (the siblings that prepared commit, the
 * cancelled ones do not).
 */
import { mainline, mutantVariant, type Params } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L19, L20, L21, L22, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { MAX_TASKS_CAPACITY } from '../../runtime/kernel/layout.js';
import { tsyncScenario } from './kit.js';

/** Besides the idle threads: the caller (main) and the signaler. */
const OTHERS = 2;

export default tsyncScenario({
  name: 'landlock-tsync-interrupt',
  description:
    'tsync_test.c tsync_interrupt: idle threads (--param idle=200 as the selftest), a signaler hammering the caller until TSYNC returns, a handler without SA_RESTART; TSYNC still returns 0.',
  threads: {
    default: 10 + OTHERS,
    min: 1 + OTHERS,
    // The layout refuses more than MAX_TASKS_CAPACITY - 2 tasks, and a run
    // has one task more than threads (layoutFor): 253 threads, 251 idle.
    max: MAX_TASKS_CAPACITY - 3,
    fromParams: (params: Params) => Number(params['idle']) + OTHERS,
  },
  // `signals` bounds the storm (see the kit's signaller): far more than a
  // call needs in parallel mode, so there the signaler stops because TSYNC
  // returned, as in the selftest.
  params: { idle: 10, sa_restart: false, signals: 400 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L19), mutantVariant(L20), mutantVariant(L21), mutantVariant(L22)],
  dropCaps: true,
  nnp: 'before-siblings',
  saRestart: (params) => params['sa_restart'] === true,
  signaller: { target: 'caller', signals: (params) => Number(params['signals']) },
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  siblingNnp: true,
});
