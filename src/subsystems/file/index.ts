export * from './fdtable.js';
