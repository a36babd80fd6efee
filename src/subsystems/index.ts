/**
 * The built-in subsystems: one registration line each. The harness imports
 * this file before any scenario (harness/layoutfor.ts), so every built-in
 * subsystem's slice of kernel memory is placed first, in this order.
 */
import './file/index.js';
import './landlock/index.js';
import './seccomp/index.js';
import './exec/index.js';
import './rcu/index.js';
import './srcu/index.js';
import './pidns/index.js';
import './rcu-tasks/index.js';
