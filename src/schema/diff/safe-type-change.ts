// Type changes PostgreSQL makes without rewriting the table or touching a value (binary-coercible and only
// widening): anything else is treated as a rewrite that may refuse or cut values, i.e. destructive.

const VARCHAR = /^character varying(?:\((\d+)\))?$/;
const NUMERIC = /^numeric(?:\((\d+),(\d+)\))?$/;
const VARBIT = /^bit varying(?:\((\d+)\))?$/;
const TEMPORAL = /^(timestamp|time|interval)(?:\((\d)\))?( with(?:out)? time zone)?$/;

function widens(from: string | undefined, to: string | undefined): boolean {
  // No length on the new side = unlimited; on the old side only the unlimited form widens to unlimited.
  if (to === undefined) return true;
  return from !== undefined && Number(to) >= Number(from);
}

/** True only for changes proven to keep every value and skip the rewrite. */
export function isSafeTypeChange(from: string, to: string): boolean {
  if (from === to) return true;
  const vf = VARCHAR.exec(from);
  if (vf !== null && (to === 'text' || VARCHAR.test(to))) return to === 'text' || widens(vf[1], VARCHAR.exec(to)?.[1]);
  if (from === 'text' && to === 'character varying') return true;
  const nf = NUMERIC.exec(from);
  const nt = NUMERIC.exec(to);
  if (nf !== null && nt !== null) {
    if (nt[1] === undefined) return true;
    return nf[1] !== undefined && nf[2] === nt[2] && Number(nt[1]) >= Number(nf[1]);
  }
  const bf = VARBIT.exec(from);
  const bt = VARBIT.exec(to);
  if (bf !== null && bt !== null) return widens(bf[1], bt[1]);
  const tf = TEMPORAL.exec(from);
  const tt = TEMPORAL.exec(to);
  if (tf !== null && tt !== null && tf[1] === tt[1] && tf[3] === tt[3]) {
    // More (or default = 6) fractional digits keeps every value.
    return Number(tt[2] ?? '6') >= Number(tf[2] ?? '6');
  }
  return false;
}
