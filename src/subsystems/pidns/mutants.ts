/** PID namespaces' planted bug (docs/RCU.md, "Planted bugs"). */
import { defineMutant } from '../../runtime/index.js';

export const R10 = defineMutant('R10', 'zap_pid_ns_processes() computes init_pids as 1 for a non-leader last thread');
