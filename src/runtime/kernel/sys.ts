/**
 * The syscall facade: how a thread body enters the simulated kernel.
 *
 * Every call goes through `call()`, which is the kernel's syscall exit path
 * in miniature: run the syscall, then exit_to_user_mode() (task_work,
 * signal delivery, user handlers), and re-execute the syscall when the exit
 * path says so (-ERESTARTNOINTR, restart_syscall(), -ERESTARTSYS with
 * SA_RESTART). Restarts are therefore invisible to user code, as they are
 * to a real program; only the trace shows them.
 */
import { loadOnce } from './access.js';
import {
  CLONE_SIGHAND,
  CLONE_THREAD,
  CLONE_VM,
  EAGAIN,
  EINTR,
  ERESTARTSYS,
  Ev,
  PFA_NO_NEW_PRIVS,
  TASK_INTERRUPTIBLE,
  WaitKind,
} from './constants.js';
import { TaskExit } from './errors.js';
import { settleCurrent } from './weakhooks.js';
import type { Kernel } from './kernel.js';
import { label } from './labels.js';
import {
  T_ATOMIC_FLAGS,
  T_TGID,
  T_YIELDING,
  YIELD_RETRY,
} from './layout.js';
import { finishWait, prepareToWait, schedule, scheduleTimeout, wakeUp } from './sched.js';
import {
  doGroupExit,
  doKill,
  doSigaction,
  doTkill,
  exitToUserMode,
  RESTART,
  SA_RESTART,
  type UserHandlerRunner,
} from './signal.js';
import { signalPending } from './sigpending.js';
import { copyProcess, doWait, type WaitResult } from './task.js';
import { doJoin } from './join.js';

const L_CLONE = label('sys_clone');
const L_KILL = label('sys_kill');
const L_TGKILL = label('sys_tgkill');
const L_SIGACTION = label('sys_rt_sigaction');
const L_WAIT = label('sys_wait4');
const L_JOIN = label('sys_pthread_join');
const L_NANOSLEEP = label('sys_nanosleep');
const L_YIELD = label('sys_sched_yield');
const L_FUTEX_WAIT = label('sys_futex:wait');
const L_FUTEX_WAKE = label('sys_futex:wake');
const L_PRCTL = label('sys_prctl');
const L_USER = label('user');

export interface SysHost {
  readonly k: Kernel;
  readonly runHandler: UserHandlerRunner;
  bodyId(name: string): number;
  handlerId(name: string): number;
}

export class Sys {
  private readonly k: Kernel;
  constructor(private readonly host: SysHost) {
    this.k = host.k;
  }

  /**
   * Run one syscall: `fn` is its kernel side and returns the raw return
   * value (negative errno). Returns what user space sees.
   */
  call(lbl: number, fn: () => number): number {
    const k = this.k;
    for (;;) {
      k.event(Ev.SYSCALL, lbl);
      const ret = fn();
      const out = exitToUserMode(k, ret, this.host.runHandler);
      if (out !== RESTART) {
        k.tset(k.cur, T_YIELDING, 0);
        k.event(Ev.SYSRET, lbl, 0, out);
        return out;
      }
      // A restarted syscall is a retry loop (a TSYNC loser retrying the
      // trylock): tell the scheduler, so PCT does not let it starve the
      // task it waits for (Shuttle's yield hint).
      k.tset(k.cur, T_YIELDING, YIELD_RETRY);
      // A retry loop must eventually see what it waits for (weak memory only).
      settleCurrent(k);
    }
  }

  /** Return to user mode without a syscall (an interrupt return): deliver what is pending. */
  interruptReturn(): void {
    exitToUserMode(this.k, 0, this.host.runHandler);
  }

  /** clone(): a thread of this process by default; `flags` 0 forks a process. */
  clone(body: string, arg = 0, flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD): number {
    const id = this.host.bodyId(body);
    return this.call(L_CLONE, () => copyProcess(this.k, this.k.cur, { flags, body: id, arg }));
  }

  fork(body: string, arg = 0): number {
    return this.clone(body, arg, 0);
  }

  /** SYS_exit: this thread only. */
  exit(code = 0): never {
    throw new TaskExit(code);
  }

  /** SYS_exit_group: every thread of the process. */
  exitGroup(code = 0): never {
    return doGroupExit(this.k, code);
  }

  gettid(): number {
    return this.k.curTid;
  }

  getpid(): number {
    return this.k.tget(this.k.cur, T_TGID);
  }

  kill(pid: number, sig: number): number {
    return this.call(L_KILL, () => doKill(this.k, pid, sig));
  }

  tgkill(tgid: number, tid: number, sig: number): number {
    return this.call(L_TGKILL, () => doTkill(this.k, tgid, tid, sig));
  }

  /** sigaction(sig, 'default' | 'ignore' | handler name, { restart }) */
  sigaction(sig: number, action: 'default' | 'ignore' | string, opts: { restart?: boolean } = {}): number {
    const act =
      action === 'default' || action === 'ignore'
        ? action
        : { handler: this.host.handlerId(action), flags: opts.restart ? SA_RESTART : 0 };
    return this.call(L_SIGACTION, () => doSigaction(this.k, sig, act));
  }

  /** wait4(pid): reap a child; restarts transparently when interrupted. */
  wait(pid = -1): WaitResult | number {
    const k = this.k;
    for (;;) {
      k.event(Ev.SYSCALL, L_WAIT);
      const r = doWait(k, pid);
      const out = exitToUserMode(k, typeof r === 'number' ? r : 0, this.host.runHandler);
      if (out === RESTART) continue;
      k.event(Ev.SYSRET, L_WAIT, 0, typeof r === 'number' ? out : r.pid);
      return typeof r === 'number' ? out : r;
    }
  }

  /**
   * pthread_join(tid): wait until thread `tid` of this process has exited;
   * returns its exit code, or -EDEADLK (tid is the caller), -ESRCH (no such
   * thread in this process) or -EINVAL (already joined, or being joined).
   * A signal handler may run during the wait; the join then goes on, since
   * pthread_join never returns EINTR (POSIX).
   */
  join(tid: number): number {
    for (;;) {
      const r = this.call(L_JOIN, () => doJoin(this.k, tid));
      if (r !== -EINTR) return r;
    }
  }

  /** nanosleep(ms): 0, or -EINTR if a signal handler ran. */
  nanosleep(ms: number): number {
    return this.call(L_NANOSLEEP, () => {
      const k = this.k;
      k.yieldPoint(L_NANOSLEEP);
      prepareToWait(k, WaitKind.TIMEOUT, 0, 0, TASK_INTERRUPTIBLE, L_NANOSLEEP);
      if (signalPending(k)) {
        finishWait(k, 0);
        return -EINTR;
      }
      scheduleTimeout(k, ms, L_NANOSLEEP);
      finishWait(k, 0);
      return signalPending(k) ? -EINTR : 0;
    });
  }

  schedYield(): number {
    return this.call(L_YIELD, () => {
      this.k.tset(this.k.cur, T_YIELDING, YIELD_RETRY);
      this.k.yieldPoint(L_YIELD);
      settleCurrent(this.k);
      return 0;
    });
  }

  /**
   * futex(FUTEX_WAIT): sleep while the word at `addr` equals `val`.
   * 0 when woken, -EAGAIN if the value differed. A signal ends the sleep
   * with -ERESTARTSYS: pending task_work runs and the call restarts, or a
   * user handler runs and user space sees -EINTR.
   */
  futexWait(addr: number, val: number): number {
    return this.call(L_FUTEX_WAIT, () => {
      const k = this.k;
      k.yieldPoint(L_FUTEX_WAIT, addr);
      prepareToWait(k, WaitKind.WAITQUEUE, addr, 0, TASK_INTERRUPTIBLE, L_FUTEX_WAIT);
      if (loadOnce(k, addr) !== val) {
        finishWait(k, 0);
        return -EAGAIN;
      }
      if (signalPending(k)) {
        finishWait(k, 0);
        return -ERESTARTSYS;
      }
      schedule(k, L_FUTEX_WAIT);
      finishWait(k, 0);
      return signalPending(k) && loadOnce(k, addr) === val ? -ERESTARTSYS : 0;
    });
  }

  /** futex(FUTEX_WAKE): wake up to `n` waiters; returns how many. */
  futexWake(addr: number, n: number): number {
    return this.call(L_FUTEX_WAKE, () => {
      this.k.yieldPoint(L_FUTEX_WAKE, addr);
      return wakeUp(this.k, addr, 0, n);
    });
  }

  /** prctl(PR_SET_NO_NEW_PRIVS, 1). */
  setNoNewPrivs(): number {
    return this.call(L_PRCTL, () => {
      this.k.yieldPoint(L_PRCTL);
      this.k.tor(this.k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
      return 0;
    });
  }

  /** prctl(PR_GET_NO_NEW_PRIVS). */
  getNoNewPrivs(): boolean {
    return (this.k.tget(this.k.cur, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
  }

  /** Record a user-level event in the trace (no scheduling). */
  mark(text: string): void {
    this.k.event(Ev.USER, label(text));
  }

  static userLabel(): number {
    return L_USER;
  }
}
