/**
 * The scenario `lockstep litmus` runs (not a built-in of `list`): the test
 * named by parameter `file`, one task per process `Pn`, each on its own
 * worker, exploring every interleaving under `dfs` (harness/litmus.ts).
 * Shared locations are words of the scenario (`mem`), locks and
 * srcu_structs are lockstep's own objects (`obj` holds their addresses),
 * and each process leaves its registers in `regs` when it ends, where the
 * harness reads the final state.
 */
import { defineScenario, loadPlain, storePlain } from '../../runtime/index.js';
import { initSrcuStruct } from '../../subsystems/srcu/index.js';
import { exec } from './interp.js';
import { encode, isObject, litmusProgram } from './program.js';

type Params = { file: string; cpus: number };

export default defineScenario<Params>({
  name: 'litmus',
  description: 'A herd7 C litmus test (parameter file) run on the runtime: one task per process',
  threads: { default: 2, min: 1, max: 32, fromParams: (p) => (p.file ? litmusProgram(p.file).test.processes.length : 2) },
  params: { file: '', cpus: 2 },
  variants: [{ name: 'litmus', kind: 'correct', expect: 'pass', spec: null }],
  shared: {
    // Sizes follow the test (the defaults, with no file, are placeholders defineScenario places).
    mem: (p) => (p.file ? Math.max(1, litmusProgram(p.file).test.globals.length) : 1),
    regs: (p) => {
      if (!p.file) return 1;
      const prog = litmusProgram(p.file);
      return Math.max(1, prog.test.processes.length * prog.regWords);
    },
    obj: (p) => (p.file ? Math.max(1, litmusProgram(p.file).test.globals.length) : 1),
  },
  // A process's threads just end: their exit is not what a litmus test is about.
  explore: { exit: 'atomic' },
  bodies: {
    P(ctx) {
      const prog = litmusProgram(ctx.params.file);
      const proc = prog.test.processes[ctx.arg]!;
      const k = ctx.k;
      const regs = new Map<string, number>();
      for (const e of prog.test.init) if (e.loc.kind === 'reg' && e.loc.proc === proc.id) regs.set(e.loc.name, encode(prog, e.value));
      exec({ k, prog, regs, mem: (i) => ctx.addr('mem', i), obj: (i) => loadPlain(k, ctx.addr('obj', i)) }, proc.body);
      const names = prog.regs[ctx.arg]!;
      for (let r = 0; r < names.length; r++) storePlain(k, ctx.addr('regs', ctx.arg * prog.regWords + r), regs.get(names[r]!) ?? 0);
    },
  },
  setup(s) {
    const prog = litmusProgram(s.params.file);
    prog.test.globals.forEach((g, i) => {
      const o = isObject(g.type);
      if (o === 'spinlock') s.set('obj', s.spinlock(`litmus:${g.name}`), i);
      else if (o === 'srcu') s.set('obj', initSrcuStruct(s.k, Number(s.params.cpus)), i);
      else s.set('mem', encode(prog, g.init), i);
    });
    prog.test.processes.forEach((_, i) => s.spawn('P', i));
  },
});
