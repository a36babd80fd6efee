/** file: the fd table (a slice of signal_struct) and the `file` cache. */
export * from './layout.js';
export * from './fdtable.js';
