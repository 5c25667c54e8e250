// Every command's yargs definition, in the order `pgrepl --help` lists them. These modules are light (flags, help,
// examples); each handler imports its command's body when it runs, so `pgrepl --help`, completion and one command
// do not load every other command's dependencies (the planner, the copy engine, execa, the spec validator).
import type { CommandModule } from 'yargs';
import { applyCommand } from './apply-command.js';
import { cutoverCommand } from './cutover-command.js';
import { demoCommand } from './demo-command.js';
import { forceUnlockCommand } from './force-unlock-command.js';
import { initCommand, syncCommand } from './init-command.js';
import { planCommand } from './plan-command.js';
import { specCommand } from './spec-command.js';
import { statusCommand } from './status-command.js';
import { validateCommand } from './validate-command.js';
import { verifyCommand } from './verify-command.js';

// yargs' CommandModule generics differ per command; the list only needs their common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: ReadonlyArray<CommandModule<any, any>> = [demoCommand, validateCommand, planCommand, applyCommand, statusCommand, verifyCommand, cutoverCommand, forceUnlockCommand, initCommand, syncCommand, specCommand];
