/** rcu-tasks-torture as a sustained run (torture-rate.ts): grace periods per second. */
import tasksTorture from '../../src/scenarios/rcu/tasks-torture.js';
import { sustainedTorture } from './torture-rate.js';

export default sustainedTorture(tasksTorture);
