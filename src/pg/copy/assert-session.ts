// Text COPY prints values with the session's settings: a source session under DateStyle 'SQL, DMY' or
// extra_float_digits 0 silently swaps days and months or loses float digits. connect() sets pgrepl's settings at
// startup; this reads them back on the very session that copies, right before it copies.
import type pg from 'pg';
import { PgreplError } from '../../util/errors.js';
import { sessionSettings, type Side } from '../conninfo/startup-options.js';

// current_setting() spells some values differently from how they are set.
const CANONICAL: Readonly<Record<string, string>> = { 'ISO,MDY': 'ISO, MDY' };

/** One query; a mismatch names every wrong setting. */
export async function assertSessionSettings(client: pg.Client, side: Side): Promise<void> {
  const settings = sessionSettings(side);
  const sql = `SELECT ${settings.map((_, i) => `current_setting($${i + 1}) AS s${i}`).join(', ')}`;
  const result = await client.query<Record<string, string>>(sql, settings.map(([name]) => name));
  const row = result.rows[0] ?? {};
  const wrong = settings.flatMap(([name, value], i) => {
    const seen = row[`s${i}`];
    const expected = CANONICAL[value] ?? value;
    return seen === expected ? [] : [`${name} is "${seen ?? '?'}", expected "${expected}"`];
  });
  if (wrong.length > 0) {
    throw new PgreplError(`the ${side} session does not run with pgrepl's fixed settings, so a text COPY could corrupt values: ${wrong.join('; ')}`);
  }
}
