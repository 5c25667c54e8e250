// Temporary passfiles for child processes: private from the first byte, removed by dispose() and on signals.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { liveTemporaryPassfileDirs, writeTemporaryPassfile } from '../../src/pg/conninfo/temporary-passfile.js';

const ci = parseConnString("host=h user='a:b' password='p: \\\\@%/\\'x'", { env: {}, passfile: null });

describe('writeTemporaryPassfile', () => {
  it('writes one escaped line, mode 0600 in a 0700 directory, and dispose() removes both', async () => {
    const file = await writeTemporaryPassfile(ci);
    expect(fs.readFileSync(file.path, 'utf8')).toBe(`*:*:*:a\\:b:p\\: \\\\@%/'x\n`);
    expect(fs.statSync(file.path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file.path)).mode & 0o777).toBe(0o700);
    expect(liveTemporaryPassfileDirs()).toEqual([path.dirname(file.path)]);
    await file.dispose();
    await file.dispose();
    expect(fs.existsSync(path.dirname(file.path))).toBe(false);
    expect(liveTemporaryPassfileDirs()).toEqual([]);
  });

  it('is removed on SIGTERM and SIGINT, leaving other handlers to decide about exiting', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const file = await writeTemporaryPassfile(ci);
      // Another handler (the CLI's) is present, so pgrepl's handler only cleans up and does not re-raise.
      const other = (): void => undefined;
      process.on(signal, other);
      try {
        process.emit(signal, signal);
        expect(fs.existsSync(file.path)).toBe(false);
        expect(liveTemporaryPassfileDirs()).toEqual([]);
        expect(process.listeners(signal)).toEqual([other]);
      } finally {
        process.off(signal, other);
      }
    }
  });
});
