// Sequence options as CREATE SEQUENCE and identity columns take them. Every value is written out, so the
// target does not depend on its own defaults (which differ by data type).
import type { SequenceOptions } from '../../../model/schema.js';

export function sequenceOptionsSql(o: SequenceOptions): string {
  return `START WITH ${o.start} INCREMENT BY ${o.increment} MINVALUE ${o.min} MAXVALUE ${o.max} CACHE ${o.cache}${o.cycle ? ' CYCLE' : ' NO CYCLE'}`;
}
