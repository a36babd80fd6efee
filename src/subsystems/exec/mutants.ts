/**
 * The planted bug of the execve model (docs/LANDLOCK.md, "execve in a
 * sibling: de_thread()"). E1 is lockstep's own plant: the order its execve
 * model had before de_thread() was modelled, not a bug the kernel had.
 */
import { defineMutant } from '../../runtime/index.js';

export const E1 = defineMutant('E1', 'begin_new_exec() takes exec_update_lock before de_thread(): a Landlock TSYNC holding it waits for the exec\'ing sibling\'s task_work forever');
