/**
 * bank-transfer: a worked example of a user scenario (docs/SCENARIOS.md).
 *
 * A bank keeps `accounts` balances in shared memory, each guarded by its own
 * mutex. Every teller thread makes `transfers` transfers of `amount` from
 * one account to another. Money is neither made nor lost, so the check
 * after every iteration is that the balances add up to what the bank
 * started with, and that every transfer was made.
 *
 * Variants:
 *   ordered   (correct) take the two account locks in index order: no
 *             deadlock, no lost update.
 *   unlocked  (planted race) read, then write the balances without locks:
 *             a preemption between another teller's read and write loses
 *             money. The check catches it.
 *   from-to   (planted deadlock) lock the source, then the destination:
 *             two opposite transfers deadlock (ABBA). The scheduler or the
 *             watchdog reports it with the wait-for cycle.
 *
 * Run it:
 *   npx lockstep stress --scenario-file examples/bank-transfer.ts --iterations 200
 *   npx lockstep stress --scenario-file examples/bank-transfer.ts --variant unlocked --mode controlled --strategy pct --stop-on-failure
 *   npx lockstep stress --scenario-file examples/bank-transfer.ts --variant from-to --mode controlled --stop-on-failure
 */
import { defineScenario, label, mutexLock, mutexUnlock, type ThreadContext } from 'lockstep';

// Labels name the yield points in traces, schedules and wait-for reports.
const L_LOCK_FIRST = label('bank:lock first');
const L_LOCK_SECOND = label('bank:lock second');
const L_UNLOCK = label('bank:unlock');

const MAX_ACCOUNTS = 16;

type Params = { accounts: number; transfers: number; amount: number; initial: number };

/** Move `amount` from account `from` to account `to` (user code: loads and stores are yield points). */
function move(ctx: ThreadContext<Params>, from: number, to: number): void {
  const amount = ctx.params.amount;
  const a = ctx.load('balance', from);
  ctx.store('balance', a - amount, from);
  const b = ctx.load('balance', to);
  ctx.store('balance', b + amount, to);
}

export default defineScenario<Params>({
  name: 'bank-transfer',
  description: 'Tellers move money between accounts guarded by per-account mutexes; the total must be conserved.',
  threads: { default: 3, min: 2, max: 8 },
  params: { accounts: 3, transfers: 2, amount: 10, initial: 100 },
  variants: [
    { name: 'ordered', kind: 'correct', expect: 'pass', spec: null, description: 'lock both accounts in index order' },
    { name: 'unlocked', kind: 'mutant', expect: 'fail', spec: null, description: 'no locks: concurrent transfers lose money' },
    { name: 'from-to', kind: 'mutant', expect: 'fail', spec: null, description: 'lock source then destination: ABBA deadlock' },
  ],
  // Shared words, by name and length: the balances, the mutex of each account, a transfer counter.
  shared: { balance: MAX_ACCOUNTS, lock: MAX_ACCOUNTS, done: 1 },
  // The tellers' exits are not what this program tests: under --strategy dfs
  // each exit is one step, not interleaved (docs/EXPLORATION.md).
  explore: { exit: 'atomic' },
  bodies: {
    teller(ctx) {
      const { k, params } = ctx;
      const n = params.accounts;
      for (let i = 0; i < params.transfers; i++) {
        // Deterministic per (seed, iteration, tid): the same seed makes the same transfers.
        const from = ctx.rng.below(n);
        const to = (from + 1 + ctx.rng.below(n - 1)) % n;
        if (ctx.variant === 'unlocked') {
          move(ctx, from, to);
        } else {
          const [first, second] = ctx.variant === 'from-to' ? [from, to] : [Math.min(from, to), Math.max(from, to)];
          const m1 = Atomics.load(k.i32, ctx.addr('lock', first));
          const m2 = Atomics.load(k.i32, ctx.addr('lock', second));
          mutexLock(k, m1, L_LOCK_FIRST);
          mutexLock(k, m2, L_LOCK_SECOND);
          move(ctx, from, to);
          mutexUnlock(k, m2, L_UNLOCK);
          mutexUnlock(k, m1, L_UNLOCK);
        }
        ctx.add('done', 1);
      }
    },
  },
  setup(s) {
    const n = s.params.accounts;
    if (n < 2 || n > MAX_ACCOUNTS) throw new Error(`accounts must be 2..${MAX_ACCOUNTS}`);
    for (let i = 0; i < n; i++) {
      s.set('balance', s.params.initial, i);
      // A named mutex: wait-for reports say "mutex 'account 1' (sync#1)".
      s.set('lock', s.mutex(`account ${i}`), i);
    }
    for (let t = 0; t < s.threads; t++) s.spawn('teller', t);
  },
  check(c) {
    const { accounts, initial, transfers } = c.params;
    let total = 0;
    for (let i = 0; i < accounts; i++) total += c.get('balance', i);
    if (total !== accounts * initial) c.fail(`money not conserved: the balances add up to ${total}, expected ${accounts * initial}`);
    if (c.get('done') !== c.threads * transfers) c.fail(`${c.get('done')} transfers made, expected ${c.threads * transfers}`);
  },
});
