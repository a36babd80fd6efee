/**
 * The orderings of the accessor layer (src/runtime/kernel/access.ts) and of
 * the weak memory model (weak/model.ts), defined once: an atomic RMW's
 * Order (include/linux/atomic.h naming) and the fences
 * (include/asm-generic/barrier.h, Documentation/atomic_t.txt). A leaf
 * module: both rooms import it, it imports nothing.
 */
export const Order = { RELAXED: 0, ACQUIRE: 1, RELEASE: 2, FULL: 3 } as const;
export type OrderT = (typeof Order)[keyof typeof Order];

export const Fence = {
  MB: 1,
  RMB: 2,
  WMB: 3,
  MB_BEFORE_ATOMIC: 4,
  MB_AFTER_ATOMIC: 5,
  MB_AFTER_SPINLOCK: 6,
  MB_AFTER_UNLOCK_LOCK: 7,
} as const;
export type FenceT = (typeof Fence)[keyof typeof Fence];
