// What the target major cannot take, found while building the DDL: every object at once, before anything runs.
import { PgreplError } from '../../util/errors.js';

export interface UnsupportedProblem {
  readonly object: string;
  readonly message: string;
}

export class UnsupportedOnTargetError extends PgreplError {
  readonly problems: readonly UnsupportedProblem[];
  constructor(targetMajor: number, problems: readonly UnsupportedProblem[]) {
    super(
      `PostgreSQL ${targetMajor} cannot take ${problems.length === 1 ? 'this object' : `these ${problems.length} objects`}:\n` +
        problems.map((p) => `  ${p.object}: ${p.message}`).join('\n'),
      { hints: ['use a newer target major, or leave these objects out of scope'] },
    );
    this.name = 'UnsupportedOnTargetError';
    this.problems = problems;
  }
}
