/**
 * TRANSITION ONLY: every subsystem now owns its slice; this file is removed
 * together with the reservations in layout.ts.
 */
import type { CacheSpec } from './layout.js';

export const LEGACY_CACHES: CacheSpec[] = [];

export const LEGACY_CACHE = {} as const;
