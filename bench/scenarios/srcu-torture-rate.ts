/** srcu-torture as a sustained run (torture-rate.ts): grace periods per second. */
import srcuTorture from '../../src/scenarios/rcu/srcu-torture.js';
import { sustainedTorture } from './torture-rate.js';

export default sustainedTorture(srcuTorture);
