// Freezes a plain JSON-like value and everything inside it, so a model handed to plan/diff cannot be changed
// by accident (a sort() in place would otherwise reorder another part's view of it).
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
