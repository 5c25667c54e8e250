// `pgrepl init` and `pgrepl sync` with the old tool's flags: build the spec from --source/--target and the scope
// flags (or the picker), then run the same plan -> ask -> apply as `pgrepl apply`, with the old tool's question
// (`Proceed? [y/N]`) and its consent flags (`--yes` = --auto-approve, `--drop-existing` = --allow-destroy).
//
//   init            the snapshot, then (unless --no-sync) continuous sync: one plan, one apply
//   init --no-sync  the snapshot only
//   sync            continuous sync; after `init` nothing new is planned; after `init --no-sync` the rows were
//                   copied without a slot, so they are copied again inside the slot's snapshot (destructive)
//
// Flag-mode state: .pgrepl/flags-<hash>.json; the scope is remembered beside it so a later sync/status/verify
// that repeats only some flags inherits the rest (src/flags/scope-memory.ts).
import { writeFile } from 'node:fs/promises';
import { emitSpecYaml } from '../../flags/emit-spec.js';
import { loadFlagContext, type FlagContext } from '../../flags/flag-context.js';
import { writeScopeMemory } from '../../flags/scope-memory.js';
import { InputError } from '../../util/errors.js';
import { askProceed } from '../ask-proceed.js';
import type { ExecutionFlagArgs, ScopeFlagArgs } from '../flag-options.js';
import { pickerFor, terminalStreams, type PickerStreams } from '../picker.js';
import { serenNotice } from '../seren-notice.js';
import { chalk } from '../output.js';
import { processApplyIo, runApply, type ApplyIo } from './apply.js';

export type FlagCommand = 'init' | 'sync';

export interface InitArgs extends ScopeFlagArgs, ExecutionFlagArgs {
  yes?: boolean;
  'drop-existing'?: boolean;
  /** init: false with --no-sync. */
  sync?: boolean;
  /** false with --no-resume. */
  resume?: boolean;
  'emit-spec'?: string;
  'lock-timeout'?: string;
  'slot-timeout'?: string;
  workers?: number;
}

export interface InitIo extends ApplyIo {
  /** stdin and stdout are terminals and the picker may run there. */
  readonly pickerStreams: PickerStreams | null;
  readonly cwd: string;
  /** Ends the process (--job-timeout before the engine started, when a blocked read cannot be cancelled). */
  readonly exit?: (code: number) => never;
}

function checkArgs(command: FlagCommand, args: InitArgs): void {
  const problems: string[] = [];
  if (args['job-timeout'] !== undefined && (!Number.isFinite(args['job-timeout']) || args['job-timeout'] <= 0)) problems.push('--job-timeout takes a number of seconds greater than 0');
  if (command === 'sync' && args.sync === false) problems.push('--no-sync is an init flag: sync always streams');
  if (problems.length > 0) throw new InputError(`invalid ${command} options`, problems.map((message) => ({ severity: 'error', message })));
}

export async function runFlagApply(command: FlagCommand, args: InitArgs, io: InitIo): Promise<number> {
  checkArgs(command, args);
  const seren = serenNotice(args, io.env);
  if (seren !== null) io.err(seren);

  const picker = pickerFor(command, args, io.pickerStreams);
  const flag: FlagContext = await loadFlagContext(args, command, {
    env: io.env, cwd: io.cwd,
    sync: command === 'sync' ? true : args.sync !== false,
    // sync inherits what init chose; init starts from what it is given (it is where the scope is decided).
    inherit: command === 'sync',
    ...(picker === null ? {} : { pick: picker.pick }),
  });
  for (const note of flag.notes) io.err(`${note}\n`);

  for (const file of [args['emit-spec'], picker?.saveSpecTo()].filter((f): f is string => f !== undefined && f !== null)) {
    await writeFile(file, emitSpecYaml(flag.raw, { command }), { mode: 0o644 });
    io.err(`Wrote the equivalent spec to ${file}: \`pgrepl plan --spec ${file}\` continues from the same state.\n`);
  }

  const timeout = args['job-timeout'];
  const controller = new AbortController();
  let engineRunning = false;
  const timer = timeout === undefined ? null : setTimeout(() => {
    if (!engineRunning && io.exit !== undefined) {
      // Still reading the servers or asking: nothing was changed; the exit handlers release the lock.
      io.err(`\n${chalk.yellow('--job-timeout')}: ${timeout} s passed before anything was changed; stopping\n`);
      io.exit(1);
      return;
    }
    io.err(`\n${chalk.yellow('--job-timeout')}: ${timeout} s passed; cancelling (running copies are rolled back; run the command again to resume)\n`);
    controller.abort(new Error(`--job-timeout of ${timeout} s reached`));
  }, timeout * 1000);
  timer?.unref();
  try {
    const code = await runApply(
      {
        'auto-approve': args.yes === true,
        'allow-destroy': args['drop-existing'] === true,
        recopy: args.resume === false,
        ...(args['lock-timeout'] === undefined ? {} : { 'lock-timeout': args['lock-timeout'] }),
        ...(args['slot-timeout'] === undefined ? {} : { 'slot-timeout': args['slot-timeout'] }),
        ...(args.workers === undefined ? {} : { workers: args.workers }),
      },
      { ...io, cancel: controller.signal, onEngineStart: () => void (engineRunning = true) },
      flag.ctx,
    );
    if (code === 0) await writeScopeMemory(flag.ctx.statePath, flag.memory);
    return code;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

export function processInitIo(): InitIo {
  const apply = processApplyIo();
  return {
    ...apply,
    pickerStreams: terminalStreams(),
    ask: (destructive) => askProceed(destructive),
    cwd: process.cwd(),
    exit: (code) => process.exit(code),
  };
}
