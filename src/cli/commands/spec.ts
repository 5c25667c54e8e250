// `pgrepl spec from-flags …` and `pgrepl spec from-toml FILE.toml`: the old tool's invocation or config as a YAML
// spec, so its users can move to plan/apply. Writes to stdout or --out; never a password (emit-spec.ts strips it).
import { writeFile } from 'node:fs/promises';
import { emitSpecYaml } from '../../flags/emit-spec.js';
import { loadFlagContext } from '../../flags/flag-context.js';
import { rawSpecFromToml } from '../../flags/from-toml.js';
import { resolveSpecObject } from '../../spec/load.js';
import type { ScopeFlagArgs } from '../flag-options.js';
import type { CommandIo } from './plan.js';

export interface SpecArgs extends ScopeFlagArgs {
  file?: string;
  out?: string;
  sync?: boolean;
}

async function write(text: string, args: SpecArgs, io: CommandIo): Promise<void> {
  if (args.out === undefined) {
    io.out(text);
    return;
  }
  await writeFile(args.out, text, { mode: 0o644 });
  io.err(`Wrote ${args.out}: check it with \`pgrepl validate --spec ${args.out}\` and \`pgrepl plan --spec ${args.out}\`.\n`);
}

export async function runSpecFromFlags(args: SpecArgs, io: CommandIo & { readonly cwd: string }): Promise<number> {
  const flag = await loadFlagContext(args, 'spec from-flags', { env: io.env, cwd: io.cwd, sync: args.sync !== false, inherit: false });
  for (const note of flag.notes.slice(1)) io.err(`${note}\n`);
  await write(emitSpecYaml(flag.raw, { command: 'spec from-flags' }), args, io);
  return 0;
}

export async function runSpecFromToml(args: SpecArgs, io: CommandIo): Promise<number> {
  const raw = await rawSpecFromToml(args.file as string, { source: args.source ?? null, target: args.target ?? null, sync: args.sync !== false });
  // Checked like a file would be (with placeholder URLs resolved from a stand-in environment), before it is written.
  resolveSpecObject(raw.spec, { file: null, env: { ...io.env, SOURCE_URL: io.env['SOURCE_URL'] ?? 'postgres://localhost/postgres', TARGET_URL: io.env['TARGET_URL'] ?? 'postgres://localhost/postgres' } });
  for (const note of raw.notes) io.err(`${note}\n`);
  await write(emitSpecYaml(raw.spec, { command: 'spec from-toml' }), args, io);
  return 0;
}
