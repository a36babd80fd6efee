/** The weak memory model (docs/MEMORY-MODEL.md): pure, its state in an arena of the SAB. */
export { WeakMemory, Kind, Order, Fence, RmwOp } from './model.js';
export type { KindT, OrderT, FenceT, RmwOpT, WeakOptions, WeakStats } from './model.js';
export { arenaWords, MAX_THREADS, MAX_HISTORY, WeakCapacityError, type Geometry } from './arena.js';
