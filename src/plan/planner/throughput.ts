// The copy rate estimates use: what earlier applies measured on this target (recorded per database in the state),
// else what introspection sampled on the source just now. Never a fixed constant.
import type { Throughput } from '../../introspect/types.js';
import type { StateDocument } from '../../state/state-document.js';
import { databaseRecord, resources } from './state-records.js';

/** Below this much measured copy time a rate says more about connection setup than about throughput. */
const MIN_MEASURED_SECONDS = 0.5;

export function throughputOf(state: StateDocument | null, sampled: Throughput | null): Throughput | null {
  let bytes = 0;
  let seconds = 0;
  for (const r of resources(state, 'database')) {
    const t = databaseRecord(r)?.throughput;
    if (t === undefined) continue;
    bytes += t.bytes;
    seconds += t.seconds;
  }
  if (seconds >= MIN_MEASURED_SECONDS && bytes > 0) {
    return { bytesPerSecond: bytes / seconds, basis: `measured by earlier applies (${(bytes / 1_048_576).toFixed(1)} MiB in ${seconds.toFixed(1)} s)` };
  }
  return sampled;
}
