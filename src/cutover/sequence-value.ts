// The value step 4 gives a target sequence: the source's last_value / is_called, moved `margin` steps in the
// sequence's direction, so nextval() on the target returns the source's next value plus the margin (times the
// increment's sign). Kept within the target sequence's bounds (setval refuses a value outside them). Pure; bigint
// arithmetic because sequence values are int8.

export interface SourceSequenceValue {
  /** last_value as text. */
  readonly lastValue: string;
  readonly isCalled: boolean;
}

export interface TargetSequenceShape {
  readonly increment: string;
  readonly min: string;
  readonly max: string;
}

export interface SetvalArgs {
  readonly value: string;
  readonly isCalled: boolean;
  /** The value was cut to the target's MINVALUE/MAXVALUE. */
  readonly clamped: boolean;
}

export function setvalArgs(source: SourceSequenceValue, target: TargetSequenceShape, margin: number): SetvalArgs {
  const direction = BigInt(target.increment) < 0n ? -1n : 1n;
  let value = BigInt(source.lastValue) + direction * BigInt(margin);
  const min = BigInt(target.min);
  const max = BigInt(target.max);
  let clamped = false;
  if (value > max) {
    value = max;
    clamped = true;
  } else if (value < min) {
    value = min;
    clamped = true;
  }
  return { value: value.toString(), isCalled: source.isCalled, clamped };
}
