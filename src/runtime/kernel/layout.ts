/**
 * The kernel's memory map: every word of the SharedArrayBuffer is declared here.
 *
 * Like piscina's `k`-prefixed slots, each offset is a named constant so that a
 * reader can grep for who touches a word. The SAB is one Int32Array:
 *
 *   [ header | task table | event rings | slab caches ... | scenario words | failure message ]
 *
 * Region sizes depend on a small run configuration (task capacity, ring size),
 * so `computeLayout()` turns a `LayoutConfig` into absolute word offsets. The
 * layout's *shape* (every constant below plus the config) is hashed into
 * `layoutHash`, which goes into every seed-log fingerprint: a log recorded
 * against another layout is refused at replay with the difference named.
 */

import { placeSlices, sliceShape, subsystemsOf, type Subsystem, type SubsystemRef } from './subsystem.js';

export const LAYOUT_VERSION = 6;
export const LAYOUT_MAGIC = 0x4c4b5354; // "LKST"

// ---------------------------------------------------------------------------
// Header words (absolute offsets; the header always starts at word 0).
// ---------------------------------------------------------------------------
export const kMagic = 0;
export const kVersion = 1;
export const kLayoutHash = 2;
export const kMaxTasks = 3;
/** Iteration number being run (written by the harness before release). */
export const kIteration = 4;
/** IterState: IDLE / RUNNING / DONE / FAILED (see below). Main waits on it. */
export const kIterState = 5;
/** Non-zero: every yield point and every park throws AbortIteration. */
export const kAbort = 6;
/** Global event sequence number: one ticket per yield point (total order). */
export const kSeq = 7;
/** Next free task slot (slots are never reused within an iteration). */
export const kNextSlot = 8;
/** Tasks handed to an executor and not yet finished (incl. not yet picked up). */
export const kBusy = 9;
/** Tasks created and not yet past do_task_dead(). */
export const kLiveTasks = 10;
/**
 * Words 11-13 are the counters every park, wake-up and yield point of every
 * thread writes, on kSeq's cache line (words 0-15: the memory starts on a
 * line, memory.ts): a handoff between two threads then moves one header line
 * instead of four (issue 16; the words that were here are read once per task
 * or decision and moved to 32, 54 and 71).
 *
 * Spin-or-park state (lockstep-internal; kernel/sched.ts, explore/controlled.ts):
 * tasks not waiting (running, or woken and not yet back on a CPU: the kernel's
 * nr_running), and threads spinning before they park.
 */
export const kNrRunning = 11;
export const kSpinners = 12;
/** FIFO tickets for waiters (wake-one picks the oldest). */
export const kWaitTicket = 13;
/** Seed of the current iteration (derived from run seed and iteration). */
export const kIterSeed = 14;
/** Label ids of the mutants switched on in this run, 0-terminated (mutants.ts). */
export const kMutants = 15; // 15..18
export const MAX_RUN_MUTANTS = 4;
/** Failure record: first failure wins the CAS on kFailSet. */
export const kFailSet = 19;
export const kFailKind = 20;
export const kFailTid = 21;
export const kFailLabel = 22;
export const kFailSpec = 23;
export const kFailMsgLen = 24;
/** Controlled mode: slot that holds the baton (the only one allowed to run). */
export const kSchedCurrent = 25;
/** Controlled mode: scheduling step counter. */
export const kSchedStep = 26;
/** Controlled mode: xoshiro128** state, advanced only by the baton holder. */
export const kSchedRng = 27; // 27..30
/** Controlled mode: FNV hash of the event sequence (tid, label) so far. */
export const kSchedHash = 31;
/** Strategy id (see scheduler/index.ts). */
export const kStrategy = 32;
/** Controlled mode: number of scheduling decisions recorded. */
export const kSchedDecisions = 33;
/** Controlled mode: number of preemptions (switch away from a runnable task). */
export const kSchedPreemptions = 34;
/** PCT change points (up to kMaxChangePoints step numbers). */
export const kChangePoints = 35; // 35..50
export const kMaxChangePoints = 16;
/** Count of executors waiting for work (diagnostics). */
export const kIdleExecutors = 51;
/** Parallel-mode perturbation: per-mille probability of a delay at a yield point. */
export const kPerturbPermille = 52;
/** Controlled mode: maximum steps before the run is declared a livelock. */
export const kStepLimit = 53;
/** PCT depth d. */
export const kDepth = 54;
/** Controlled mode: a scheduling decision is in progress (diagnostics). */
export const kSchedOverflow = 55;
/** Float64 slot (byte offset kEpochByte) holding the iteration's time origin (ms, performance.timeOrigin based). */
export const kEpochWord = 56; // 56..57 (8-byte aligned)
/** tasklist_lock (SPINLOCK_WORDS): exit_notify, reparenting, release_task. */
export const kTasklistLock = 58; // 58..59
/** Replay strategies: entries in the replay log, the next global-order entry, first divergence (+1), misses. */
export const kReplayLen = 60;
export const kReplayPos = 61;
export const kReplayDiverged = 62;
export const kReplayMisses = 63;
/**
 * Exhaustive exploration (explore/dfs.ts, docs/EXPLORATION.md). kExplore: 0 when
 * the iteration does not record footprints, else the default policy past the
 * prefix (EXPLORE_PB: keep running the current task; EXPLORE_DB: round robin).
 */
export const kExplore = 64;
export const EXPLORE_PB = 1;
export const EXPLORE_DB = 2;
/** First step (+1) at which every runnable task was in the sleep set; 0: none. */
export const kExploreSleepBlocked = 65;
/** The step (+1) whose decision fired a timer (pickTimer wrote its entry). */
export const kExploreTimerStep = 66;
/** Entries in the sleep table handed to the iteration. */
export const kExploreSleepLen = 67;
/** The last step (+1) whose predecessor's footprint has been applied to the sleep table. */
export const kExploreFiltered = 68;
/**
 * Decisions up to and including the last one that chose a task not yet in
 * do_exit(): the run's length in program steps, which PCT's k estimates
 * (the exit path after the last program step does not count).
 */
export const kProgramSteps = 69;
/** Exploration: 1 when every task's exit is one unexplored step (scenario `explore.exit`, or --explore-exit). */
export const kExploreExitAtomic = 70;
/** 0 = parallel, 1 = controlled. */
export const kMode = 71;
/**
 * Parallel perturbation delays (lockstep-internal; explore/delay.ts): threads
 * inside a delay's futex wait, and the word they wait on, bumped and notified
 * when a task stops running (sched.ts markWaiting) while some wait: a yield
 * ends when a core is free, a sleep when no other task can run.
 */
export const kDelayWaiters = 72;
export const kDelayWake = 73;
/**
 * Words from CORE_HEADER_WORDS on hold the kernel-wide state of subsystems: each
 * declares its words (`defineSubsystem({ global })`) and `computeLayout` places them.
 */
export const CORE_HEADER_WORDS = 74;
/** Words in a 64-byte cache line: the task table and the executors' records start on one. */
export const LINE_WORDS = 16;
const toLine = (w: number): number => (w + LINE_WORDS - 1) & ~(LINE_WORDS - 1);
/** Simulated CPUs: fixed, so that per-CPU state and replays do not depend on the host. */
export const SIM_NR_CPUS = 4;

export const IterState = {
  IDLE: 0,
  RUNNING: 1,
  DONE: 2,
  FAILED: 3,
} as const;

// ---------------------------------------------------------------------------
// Task table: one record of Layout.taskWords per slot (task_struct plus the bits of
// signal handling and scheduling that lockstep needs). Each record starts on a
// 64-byte cache line and fills whole lines (LINE_WORDS), so that one task's
// words never share a line with its neighbour's; and what a waker reads and
// writes of the task it wakes (T_STATE, the park word, the breadcrumb and its
// ticket: words 19-25) is one line, which the sleeper spins on (issue 16).
// ---------------------------------------------------------------------------
export const T_TID = 0;
export const T_TGID = 1;
/** tid of the parent (who gets SIGCHLD and reaps). */
export const T_PARENT = 2;
/** Slot lifecycle: SlotState below. Read with Atomics by for_each_thread walks. */
export const T_SLOT = 3;
/** task->flags (PF_EXITING ...). */
export const T_FLAGS = 4;
/** Thread body (label id of its name in the scenario's bodies). */
export const T_BODY = 5;
/** task->exit_state (EXIT_ZOMBIE, EXIT_DEAD). */
export const T_EXIT_STATE = 6;
export const T_EXIT_CODE = 7;
/** 1 while runnable or running, 0 while blocked (RCU Tasks reads it). */
export const T_ON_RQ = 8;
/** Voluntary context switches (blocking in schedule()). */
export const T_NVCSW = 9;
/** Involuntary switches (preemption at a yield point). */
export const T_NIVCSW = 10;
/** Simulated CPU the task runs on (its executor's CPU; smp_processor_id()). */
export const T_CPU = 11;
/** task->atomic_flags: PFA_NO_NEW_PRIVS ... */
export const T_ATOMIC_FLAGS = 12;
/** Handle of the task's committed cred (task->cred). */
export const T_CRED = 13;
/** Thread-private pending signal mask (bit n-1 for signal n). */
export const T_SIGPENDING = 14;
export const T_SIGBLOCKED = 15;
/** Thread-info flags: TIF_SIGPENDING, TIF_NOTIFY_SIGNAL. */
export const T_TIF = 16;
/** task->task_works: handle of the first callback_head, 0, or TW_EXITED. */
export const T_TASK_WORKS = 17;
/** Spinlocks held (a sleep while this is non-zero is a bug: might_sleep()). */
export const T_SPINS_HELD = 18;
/** Park word: 0 = parked/unsignalled, 1 = woken or holds the baton. */
export const T_PARK = 19;
/** Breadcrumb: what the task waits on (WaitKind), the object's address, the label, the sleep state. */
export const T_WAIT_KIND = 20;
export const T_WAIT_OBJ = 21;
export const T_WAIT_LABEL = 22;
export const T_WAIT_AUX = 23;
/** Ticket taken when the wait began (FIFO order for wake-one). */
export const T_WAIT_TICKET = 24;
/** task->__state (TASK_RUNNING, TASK_INTERRUPTIBLE ...): on the park word's line. */
export const T_STATE = 25;
export const T_ARG = 26;
/** Handle of the signal_struct shared by the thread group. */
export const T_SIGNAL = 27;
/** Handle of the sighand_struct shared by the thread group. */
export const T_SIGHAND = 28;
/** Event ring write index (events recorded by this task so far). */
export const T_RING_HEAD = 29;
/** Executor running this task, plus one (0: none assigned). */
export const T_EXECUTOR = 30;
/** Capabilities (CAP_SYS_ADMIN bit ...). */
export const T_CAPS = 31;
/** Controlled mode: PCT priority of this task. */
export const T_PRIO = 32;
/** Controlled mode: non-zero while the task is in a timed sleep or spin retry (deprioritised). */
export const T_YIELDING = 33;
/** T_YIELDING values: a spin retry (deprioritised), a timed sleep, a polling sleep. */
export const YIELD_RETRY = 1;
export const YIELD_TIMED = 2;
/**
 * A polling sleep (the RCU Tasks holdout loop's schedule_timeout_idle): its
 * short timeout may fire at any decision, so the strategy may pick it like
 * a runnable task; picked, it wakes as timed out. An ordinary timed sleep
 * (YIELD_TIMED) fires only when nothing else can run.
 */
export const YIELD_POLL = 3;
/** Set when a timed sleep expired (controlled mode treats the timeout as elapsed). */
export const T_TIMED = 34;
/**
 * pthread's joinid: the tid of the thread joining this one, -1 once joined, 0
 * while joinable (join.ts). A word that was free, so no field moves.
 */
export const T_JOINER = 35;
/** Controlled mode: label of the yield point the task is parked at (0: not parked at one). */
export const T_AT_YIELD = 36;
/** Number of children not yet reaped (for wait4 -ECHILD). */
export const T_CHILDREN = 37;
/** task->pi_lock (SPINLOCK_WORDS), which task_work_cancel and task_work_run order on. */
export const T_PI_LOCK = 38; // 38..39
/** Task fields from CORE_TASK_WORDS on belong to subsystems (`defineSubsystem({ task })`). */
export const CORE_TASK_WORDS = 40;

export const SlotState = {
  FREE: 0,
  /** Allocated by copy_process, not yet linked into the thread list. */
  NEW: 1,
  /** Linked: visible to for_each_thread walks, runs or will run. */
  LINKED: 2,
  /** Past exit_notify: a zombie or dead, no longer in the thread list walk. */
  UNLINKED: 3,
} as const;

// ---------------------------------------------------------------------------
// Event rings: per task slot, RING_EVENTS records of EV_WORDS.
// ---------------------------------------------------------------------------
export const EV_WORDS = 6;
export const EV_SEQ = 0;
export const EV_LABEL = 1;
export const EV_KIND = 2;
export const EV_OBJ = 3;
export const EV_AUX = 4;
/** Microseconds since the iteration's epoch. */
export const EV_TIME = 5;

// ---------------------------------------------------------------------------
// Schedule log. Controlled mode: entry s = the slot chosen at decision s and
// the label of the yield point where it was made. Parallel mode: entry s =
// the tid that took ticket s at a yield point (0 for non-yield events), i.e.
// the recorded global order that replay turns into a controlled schedule.
// ---------------------------------------------------------------------------
export const SCHED_ENTRY_WORDS = 2;
export const SL_WHO = 0;
export const SL_LABEL = 1;
/** Flag in SL_WHO (controlled mode): this decision preempted a runnable task. */
export const SL_PREEMPT = 1 << 16;
/**
 * Controlled mode: a negative SL_WHO is a data choice of the running task
 * (Kernel.choose: ctx.choose()), not a switch: choice c is stored as -1 - c.
 * The seed log's `tids` keep the same encoding.
 */
export function slDataChoice(who: number): number {
  return who < 0 ? -1 - who : -1;
}
/** Most alternatives one data choice may offer (one bit each in the exploration log's mask). */
export const MAX_CHOICES = 256;

// ---------------------------------------------------------------------------
// Exploration log (controlled mode under `dfs` only): per decision, who could
// run, who decided, who was chosen, and the step's footprint: the words the
// chosen task read and wrote until its next decision (kernel/footprint.ts).
// The harness reads it after the iteration to build the exploration tree.
// ---------------------------------------------------------------------------
/** Words of the runnable-set bitmask (one bit per task slot). */
export const EX_MASK_WORDS = 8;
export const EX_CHOSEN = 8;
/** The task that made the decision (-1: the harness). */
export const EX_DECIDER = 9;
export const EX_FLAGS = 10;
/** Footprint entries recorded (addr << 1 | write). */
export const EX_NFP = 11;
export const EX_FP = 12;
/** Footprint entries kept per step; a step touching more is dependent with every step. */
export const EX_FP_MAX = 60;
export const EX_WORDS = EX_FP + EX_FP_MAX;
/** EX_FLAGS bits. */
export const EXF_TIMER = 1; // only timers could fire: the choice was which one
export const EXF_ALL = 2; // footprint overflowed: dependent with every step
export const EXF_CUR_RUNNABLE = 4; // the decider could have run on
export const EXF_CUR_YIELDING = 8; // ... but it yields (a switch away is not a preemption)
export const EXF_DATA = 16; // a data choice of the decider: the mask holds alternatives 0..n-1, not slots
/** Sleep table (one entry per sleeping task at the prefix's end): slot, flags, nfp, fp... */
export const SLEEP_WORDS = 3 + EX_FP_MAX;

// ---------------------------------------------------------------------------
// Executors: the warm pool's workers, each with a mailbox.
// ---------------------------------------------------------------------------
/** An executor's record: one cache line, as each executor bumps its X_BEAT at every yield point. */
export const EXEC_WORDS = 16;
/** Slot of the task to run next, or EXEC_IDLE / EXEC_QUIT. */
export const X_MAILBOX = 0;
/**
 * 1 from when the executor takes a task from its mailbox until it has given
 * back the task's share of kBusy: with the mailbox, the executor's whole debt
 * to kBusy is visible (pool.ts busy()).
 */
export const X_BUSY = 1;
/** Tasks run by this executor (statistics). */
export const X_RUNS = 2;
/** Heartbeat: increments at every yield point of the task it runs (watchdog). */
export const X_BEAT = 3;
/** 1 once the executor has loaded the scenario and entered its loop. */
export const X_READY = 4;
export const EXEC_IDLE = -1;
export const EXEC_QUIT = -2;

// ---------------------------------------------------------------------------
// Slab caches. Each object slot: SLAB_HDR_WORDS of header, then payload.
// Handles carry the cache id and a generation so stale handles are caught.
// ---------------------------------------------------------------------------
export const SLAB_HDR_WORDS = 4;
/** ObjState (FREE / LIVE / POISONED). */
export const S_STATE = 0;
/** Generation, bumped on every free; part of the handle. */
export const S_GEN = 1;
/** Reference count. */
export const S_REF = 2;
/** Free-list link (slot index) or the label of the allocation site while live. */
export const S_NEXT = 3;

export const ObjState = { FREE: 0, LIVE: 1, POISONED: 2 } as const;
export const POISON = 0x6b6b6b6b; // the kernel's POISON_FREE byte, repeated

/** Per-cache control block, in the slab directory region. */
export const CACHE_CTL_WORDS = 8;
export const C_LOCK = 0;
export const C_BUMP = 1;
export const C_FREE = 2;
export const C_LIVE = 3;
export const C_ALLOCS = 4;
/** Fault injection: fail the n-th allocation of this cache (1-based), 0 = off. */
export const C_FAIL_AT = 5;

// ----- Embedded synchronisation objects (their words sit inside any struct) --
export const MUTEX_WORDS = 2;
export const MUTEX_OWNER = 0; // tid of holder, 0 if free
export const MUTEX_WAITERS = 1;
export const SPINLOCK_WORDS = 2;
export const SPIN_OWNER = 0;
export const SPIN_WAITERS = 1;
export const RWSEM_WORDS = 3;
export const RWSEM_COUNT = 0; // >0 readers, -1 writer, 0 free
export const RWSEM_OWNER = 1; // tid of the writer
export const RWSEM_WAITERS = 2;
export const COMPLETION_WORDS = 2;
export const COMPLETION_DONE = 0;
export const COMPLETION_WAITERS = 1;
/** `done` value that complete_all() stores (UINT_MAX in the kernel). */
export const COMPLETION_ALL = 0x7fffffff;
export const WAITQ_WORDS = 1;
export const WAITQ_WAITERS = 0;
/** pthread_cond_t: a wake-up sequence counter and the sleeper count (sync/condvar.ts). */
export const COND_WORDS = 2;
export const COND_SEQ = 0;
export const COND_WAITERS = 1;

// ----- cache: sync (standalone named primitives a scenario allocates) --------
export const SYNC_NAME = 0; // label id of the object's name
export const SYNC_TAG = 1; // label id of the wait-for resolver tag (0 = generic)
export const SYNC_OBJ = 2; // the primitive's words start here
export const SYNC_WORDS = 8;

// ----- cache: cred ------------------------------------------------------------
export const CRED_UID = 0;
export const CRED_EUID = 1;
export const CRED_CAPS = 2;
/** Words from CORE_CRED_WORDS on are the LSM blob (`defineSubsystem({ cred })`, as lbs_cred). */
export const CORE_CRED_WORDS = 4;

// ----- cache: callback_head (task_work items) -----------------------------------
export const CB_NEXT = 0; // handle of the next callback_head
export const CB_FUNC = 1; // registered callback id (label id of its name)
export const CB_DATA = 2; // handle of the owning object (container_of)
export const CB_QUEUED_ON = 3; // tid it was queued on (diagnostics)
export const CB_WORDS = 4;
/** Sentinel stored in task->task_works after exit_task_work(): work_exited. */
export const TW_EXITED = -1;

// ----- cache: signal_struct -------------------------------------------------------
export const SIG_NR_THREADS = 0;
export const SIG_LIVE = 1;
export const SIG_GROUP_EXIT = 2; // SIGNAL_GROUP_EXIT flag
export const SIG_GROUP_EXIT_CODE = 3;
export const SIG_CRED_GUARD_MUTEX = 4; // MUTEX_WORDS
export const SIG_EXEC_UPDATE_LOCK = 6; // RWSEM_WORDS
export const SIG_WAIT_CHLDEXIT = 9; // WAITQ_WORDS: parent sleeps here in wait4
export const SIG_LEADER = 10; // tid of the group leader
/** Words from CORE_SIGNAL_WORDS on belong to subsystems (`defineSubsystem({ signal })`). */
export const CORE_SIGNAL_WORDS = 12;

// ----- cache: sighand_struct --------------------------------------------------------
export const SH_SIGLOCK = 0; // SPINLOCK_WORDS
/** Mask of signals whose action is SIG_IGN. */
export const SH_IGNORED = 2;
/** Mask of signals with a user handler (SA_RESTART tracked separately). */
export const SH_HANDLED = 3;
export const SH_RESTART = 4; // mask of handlers installed with SA_RESTART
/** Handler body ids, one word per signal 1..31. */
export const SH_HANDLER = 5; // 5..35
export const SIGHAND_WORDS = 40;

// ----- cache: kobj (scenario-owned generic objects, test payloads) ----------
export const KOBJ_WORDS = 16;

export interface CacheSpec {
  readonly id: number;
  readonly name: string;
  /** Payload words (without the slab header). */
  readonly words: number;
  /** Objects per iteration (slots are recycled through the free list). */
  readonly capacity: number;
  /** Field names by payload offset, for reports ("signal_struct#3.cred_guard_mutex"). */
  readonly fields: Readonly<Record<number, string>>;
}

/**
 * The core's slab caches. cred and signal_struct grow by the subsystems' blobs;
 * subsystems' own caches follow these, with ids in layout order.
 */
export const CACHE = {
  sync: 1,
  cred: 2,
  callback_head: 3,
  signal_struct: 4,
  sighand_struct: 5,
  kobj: 6,
} as const;

function coreCaches(credWords: number, signalWords: number): CacheSpec[] {
  return [
    { id: CACHE.sync, name: 'sync', words: SYNC_WORDS, capacity: 256, fields: { [SYNC_OBJ]: 'obj' } },
    {
      id: CACHE.cred,
      name: 'cred',
      words: credWords,
      capacity: 1024,
      fields: { [CRED_UID]: 'uid', [CRED_EUID]: 'euid', [CRED_CAPS]: 'cap_effective' },
    },
    { id: CACHE.callback_head, name: 'callback_head', words: CB_WORDS, capacity: 1024, fields: { [CB_NEXT]: 'next', [CB_FUNC]: 'func' } },
    {
      id: CACHE.signal_struct,
      name: 'signal_struct',
      words: signalWords,
      capacity: 256,
      fields: {
        [SIG_CRED_GUARD_MUTEX]: 'cred_guard_mutex',
        [SIG_EXEC_UPDATE_LOCK]: 'exec_update_lock',
        [SIG_WAIT_CHLDEXIT]: 'wait_chldexit',
      },
    },
    { id: CACHE.sighand_struct, name: 'sighand_struct', words: SIGHAND_WORDS, capacity: 256, fields: { [SH_SIGLOCK]: 'siglock' } },
    { id: CACHE.kobj, name: 'kobj', words: KOBJ_WORDS, capacity: 1024, fields: {} },
  ];
}

/** Handles have 5 bits of cache id. */
const MAX_CACHE_ID = 31;

// ---------------------------------------------------------------------------
// Layout computation
// ---------------------------------------------------------------------------
export interface LayoutConfig {
  /** Task slots per iteration (slot 0 is init). */
  readonly maxTasks: number;
  /** Entries of the schedule log (controlled decisions, or the parallel global order). */
  readonly schedLogSteps: number;
  /** Executors (warm workers). */
  readonly maxExecutors: number;
  /** Events kept per task (bounded trace). */
  readonly ringEvents: number;
  /** Words of scenario-shared memory. */
  readonly scenarioWords: number;
  /** Decisions recorded for exhaustive exploration (the exploration log). */
  readonly exploreSteps: number;
  /** The subsystems that own slices of this memory, in placement order (see subsystem.ts). */
  readonly subsystems: readonly SubsystemRef[];
  /**
   * Words of the weak memory model's arena (runtime/memory/weak/, docs/MEMORY-MODEL.md);
   * 0 (the default) when the run is sequentially consistent (`--memory-model sc`).
   */
  readonly weakWords?: number;
}

export const DEFAULT_LAYOUT_CONFIG: LayoutConfig = {
  maxTasks: 72,
  schedLogSteps: 1 << 16,
  maxExecutors: 72,
  ringEvents: 1024,
  scenarioWords: 1024,
  exploreSteps: 4096,
  subsystems: [],
};

/** Hard capacity: more tasks than this is refused at the command line. */
export const MAX_TASKS_CAPACITY = 256;
export const FAIL_MSG_BYTES = 8192;

export interface CacheLayout {
  readonly spec: CacheSpec;
  /** Word offset of the cache control block. */
  readonly ctl: number;
  /** Word offset of slot 0. */
  readonly base: number;
  /** Words per slot (header + payload). */
  readonly stride: number;
}

export interface Layout {
  readonly config: LayoutConfig;
  /** Header words: the core's, then the subsystems' kernel-wide words. */
  readonly headerWords: number;
  /** A task record's stride: its words (taskUsedWords) rounded up to whole cache lines. */
  readonly taskWords: number;
  /** Words per task record: the core's, then the subsystems' task fields. */
  readonly taskUsedWords: number;
  readonly tasks: number;
  readonly executors: number;
  readonly rings: number;
  readonly ringStride: number;
  /** Schedule log: SCHED_ENTRY_WORDS per step. */
  readonly schedLog: number;
  /** The schedule a replay strategy follows (same shape as the schedule log). */
  readonly replayLog: number;
  /** Exploration log: EX_WORDS per decision, config.exploreSteps decisions. */
  readonly exploreLog: number;
  /** Sleep table: SLEEP_WORDS per entry, one per task slot at most. */
  readonly sleepTable: number;
  /**
   * The controlled scheduler's dequeued mask: one bit per task slot, set when a
   * decision found the slot unable to run, cleared by every write that can make it
   * run again (runqueue.ts). Placed last, so that no other region moves.
   */
  readonly dequeued: number;
  readonly caches: readonly CacheLayout[];
  /** Cache layouts indexed by cache id. */
  readonly cacheById: readonly (CacheLayout | undefined)[];
  readonly scenario: number;
  /** Word offset of the weak memory model's arena (config.weakWords words; 0: no arena, memory is SC). */
  readonly weak: number;
  /** Byte offset of the failure message buffer. */
  readonly failMsgByte: number;
  readonly totalWords: number;
  readonly hash: number;
}

/**
 * Place every region, and every subsystem's slice inside the header, the task
 * record, cred, signal_struct and its own caches. Writes the slices' offsets
 * into the subsystems' descriptors (this thread's view).
 */
export function computeLayout(config: LayoutConfig = DEFAULT_LAYOUT_CONFIG): Layout {
  const subs = subsystemsOf(config.subsystems);
  const headerWords = placeSlices(subs, 'global', CORE_HEADER_WORDS);
  const taskUsedWords = placeSlices(subs, 'task', CORE_TASK_WORDS);
  const taskWords = toLine(taskUsedWords);
  const credWords = placeSlices(subs, 'cred', CORE_CRED_WORDS);
  const signalWords = placeSlices(subs, 'signal', CORE_SIGNAL_WORDS);
  const specs = coreCaches(credWords, signalWords);
  for (const s of subs) {
    const ids = s.cache as Record<string, number>;
    for (const [name, c] of Object.entries(s.decl.caches ?? {})) {
      // Cache names are the kernel's and unique: releases are keyed by them (slab.ts).
      if (specs.some((x) => x.name === name)) throw new Error(`slab cache ${name} of ${s.name} is declared twice`);
      const id = Math.max(...specs.map((c) => c.id)) + 1;
      if (id > MAX_CACHE_ID) throw new Error(`too many slab caches: ${s.name}'s ${name} would get id ${id} (max ${MAX_CACHE_ID})`);
      ids[name] = id;
      specs.push({ id, name, words: c.words, capacity: c.capacity, fields: c.fields ?? {} });
    }
  }
  let w = toLine(headerWords);
  const tasks = w;
  w += config.maxTasks * taskWords;
  const executors = w;
  w += config.maxExecutors * EXEC_WORDS;
  const rings = w;
  const ringStride = config.ringEvents * EV_WORDS;
  w += config.maxTasks * ringStride;
  const schedLog = w;
  w += config.schedLogSteps * SCHED_ENTRY_WORDS;
  const replayLog = w;
  w += config.schedLogSteps * SCHED_ENTRY_WORDS;
  const exploreLog = w;
  w += config.exploreSteps * EX_WORDS;
  const sleepTable = w;
  w += config.maxTasks * SLEEP_WORDS;
  const caches: CacheLayout[] = [];
  const cacheById: (CacheLayout | undefined)[] = [];
  for (const spec of specs) {
    const ctl = w;
    w += CACHE_CTL_WORDS;
    const stride = SLAB_HDR_WORDS + spec.words;
    const base = w;
    w += stride * spec.capacity;
    const c = { spec, ctl, base, stride };
    caches.push(c);
    cacheById[spec.id] = c;
  }
  const scenario = w;
  w += config.scenarioWords;
  const weakWords = config.weakWords ?? 0;
  const weak = weakWords > 0 ? w : 0;
  w += weakWords;
  w = (w + 1) & ~1;
  const failMsgByte = w * 4;
  w += FAIL_MSG_BYTES / 4;
  const dequeued = w;
  w += (config.maxTasks + 31) >> 5;
  return {
    config,
    headerWords,
    taskWords,
    taskUsedWords,
    tasks,
    executors,
    rings,
    ringStride,
    schedLog,
    replayLog,
    exploreLog,
    sleepTable,
    dequeued,
    caches,
    cacheById,
    scenario,
    weak,
    failMsgByte,
    totalWords: w,
    hash: layoutHash(config, specs, subs),
  };
}

/** FNV-1a over the layout's shape: version, record sizes, config, every cache and every subsystem slice. */
function layoutHash(config: LayoutConfig, specs: readonly CacheSpec[], subs: readonly Subsystem[]): number {
  const parts: (string | number)[] = [
    LAYOUT_VERSION,
    CORE_HEADER_WORDS,
    CORE_TASK_WORDS,
    EV_WORDS,
    EXEC_WORDS,
    LINE_WORDS,
    SLAB_HDR_WORDS,
    CACHE_CTL_WORDS,
    config.maxTasks,
    config.schedLogSteps,
    config.maxExecutors,
    config.ringEvents,
    config.scenarioWords,
    config.exploreSteps,
    EX_WORDS,
  ];
  // Only a weak run adds its arena to the hash: SC layouts (and their seed logs) keep their hash.
  if ((config.weakWords ?? 0) > 0) parts.push(`weak:${config.weakWords}`);
  for (const c of specs) parts.push(c.id, c.name, c.words, c.capacity);
  for (const s of subs) parts.push(sliceShape(s));
  return fnv1a(parts.join(','));
}

const FNV_PRIME = 0x01000193;

export function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h | 0;
}

/** FNV-1a folding the four bytes of the 32-bit word `w` (low byte first) into `h`. */
export function fnv1aWord(h: number, w: number): number {
  for (let sh = 0; sh < 32; sh += 8) {
    h ^= (w >>> sh) & 0xff;
    h = Math.imul(h, FNV_PRIME);
  }
  return h | 0;
}

// ---------------------------------------------------------------------------
// Handles: [cache id : 5][generation : 14][slot : 12], never 0.
// ---------------------------------------------------------------------------
export const HANDLE_SLOT_BITS = 12;
export const HANDLE_GEN_BITS = 14;
export const HANDLE_SLOT_MASK = (1 << HANDLE_SLOT_BITS) - 1;
export const HANDLE_GEN_MASK = (1 << HANDLE_GEN_BITS) - 1;

export function makeHandle(cacheId: number, gen: number, slot: number): number {
  return (cacheId << (HANDLE_SLOT_BITS + HANDLE_GEN_BITS)) | ((gen & HANDLE_GEN_MASK) << HANDLE_SLOT_BITS) | slot;
}
export function handleCache(h: number): number {
  return h >>> (HANDLE_SLOT_BITS + HANDLE_GEN_BITS);
}
export function handleGen(h: number): number {
  return (h >>> HANDLE_SLOT_BITS) & HANDLE_GEN_MASK;
}
export function handleSlot(h: number): number {
  return h & HANDLE_SLOT_MASK;
}
