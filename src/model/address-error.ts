// A malformed resource address (from the command line, a saved plan or state) names the column where it goes wrong.
import { PgreplError } from '../util/errors.js';

export class AddressError extends PgreplError {
  /** 1-based column of the problem in `address`. */
  readonly column: number;
  constructor(readonly address: string, offset: number, problem: string) {
    super(`invalid resource address ${JSON.stringify(address)} at column ${offset + 1}: ${problem}`);
    this.name = 'AddressError';
    this.column = offset + 1;
  }
}
