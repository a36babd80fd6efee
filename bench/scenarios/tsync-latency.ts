/**
 * Benchmark scenario: the latency of one landlock_restrict_self(TSYNC) call
 * with N parked siblings, timed inside the caller, against the libpsx
 * broadcast (each thread restricts itself from a signal handler). Also
 * counts the creds allocated per call: 1 with re-wiring (siblings share the
 * caller's cred), 1 + N without (siblings have creds of their own).
 */
import { defineScenario, SIGUSR2, type Params } from '../../src/runtime/index.js';
import { C_ALLOCS, CACHE } from '../../src/runtime/kernel/layout.js';
import { setresuidThread } from '../../src/subsystems/cred/cred.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../src/subsystems/landlock/consts.js';
import { createRuleset, restrictSelf } from '../../src/subsystems/landlock/user.js';
import { SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_RET_ALLOW, SECCOMP_SET_MODE_FILTER } from '../../src/subsystems/seccomp/consts.js';
import { seccomp } from '../../src/subsystems/seccomp/user.js';
import { label } from '../../src/runtime/index.js';

export const CALLS = 12; // < 16 layers
const L_SETRESUID = label('bench:setresuid');

export default defineScenario({
  name: 'bench-tsync-latency',
  description: 'TSYNC (or libpsx) latency with N parked siblings',
  threads: { default: 9, min: 2, max: 65 },
  params: { how: 'tsync', ownCreds: false } as Params,
  variants: [
    { name: 'mainline', kind: 'correct', expect: 'pass', spec: null },
    // seccomp's 2014 alternative: overwrite every thread's filter, no ancestry walk.
    { name: 'force-add-2014', kind: 'historical', expect: 'pass', spec: null, mutants: ['force-add-2014'] },
  ],
  shared: { fd: 1, ready: 1, stop: 1, acks: 1, ns: CALLS, credAllocs: CALLS },
  handlers: {
    psx(ctx) {
      restrictSelf(ctx, ctx.load('fd'), 0);
      ctx.add('acks', 1);
      ctx.sys.futexWake(ctx.addr('acks'), 1);
    },
  },
  bodies: {
    main(ctx) {
      const { k, sys } = ctx;
      sys.setNoNewPrivs();
      sys.sigaction(SIGUSR2, 'psx', { restart: true });
      ctx.store('fd', createRuleset(ctx));
      const n = ctx.threads - 1;
      const tids: number[] = [];
      for (let i = 0; i < n; i++) tids.push(sys.clone('sibling', i));
      for (let r = ctx.load('ready'); r < n; r = ctx.load('ready')) sys.futexWait(ctx.addr('ready'), r);
      const cred = k.L.cacheById[CACHE.cred]!;
      for (let i = 0; i < CALLS; i++) {
        const a0 = Atomics.load(k.i32, cred.ctl + C_ALLOCS);
        const t0 = performance.now();
        if (ctx.params['how'] === 'seccomp') {
          const r = seccomp(ctx, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, { len: 1, nr: -1, ret: SECCOMP_RET_ALLOW });
          if (r !== 0) throw new Error(`seccomp TSYNC returned ${r}`);
        } else if (ctx.params['how'] === 'libpsx') {
          for (const t of tids) sys.tgkill(ctx.tgid, t, SIGUSR2);
          restrictSelf(ctx, ctx.load('fd'), 0);
          const want = n * (i + 1);
          for (let a = ctx.load('acks'); a < want; a = ctx.load('acks')) sys.futexWait(ctx.addr('acks'), a);
        } else {
          const r = restrictSelf(ctx, ctx.load('fd'), TSYNC);
          if (r !== 0) throw new Error(`TSYNC returned ${r}`);
        }
        Atomics.store(k.i32, ctx.addr('ns', i), Math.round((performance.now() - t0) * 1e6));
        Atomics.store(k.i32, ctx.addr('credAllocs', i), Atomics.load(k.i32, cred.ctl + C_ALLOCS) - a0);
      }
      ctx.store('stop', 1);
      sys.futexWake(ctx.addr('stop'), n);
    },
    sibling(ctx) {
      if (ctx.params['ownCreds'] === true) ctx.sys.call(L_SETRESUID, () => setresuidThread(ctx.k, 1000 + ctx.arg));
      ctx.add('ready', 1);
      ctx.sys.futexWake(ctx.addr('ready'), 1);
      while (ctx.load('stop') === 0) ctx.sys.futexWait(ctx.addr('stop'), 0);
    },
  },
  setup(s) {
    s.spawn('main');
  },
});
