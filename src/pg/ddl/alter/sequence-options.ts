// Sequence options as CREATE/ALTER SEQUENCE and identity columns spell them.
import type { SequenceOptions } from '../../../model/schema.js';

/** `START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9 CACHE 1 NO CYCLE`, with `AS type` first when asked. */
export function sequenceOptionsSql(o: SequenceOptions, withType: boolean): string {
  const parts = [
    ...(withType ? [`AS ${o.dataType}`] : []),
    `START WITH ${o.start}`,
    `INCREMENT BY ${o.increment}`,
    `MINVALUE ${o.min}`,
    `MAXVALUE ${o.max}`,
    `CACHE ${o.cache}`,
    o.cycle ? 'CYCLE' : 'NO CYCLE',
  ];
  return parts.join(' ');
}
