// Every command module, in the order `pgrepl --help` lists them.
import type { CommandModule } from 'yargs';
import { applyCommand } from './apply.js';
import { demoCommand } from './demo.js';
import { forceUnlockCommand } from './force-unlock.js';
import { planCommand } from './plan.js';
import { validateCommand } from './validate.js';

// yargs' CommandModule generics differ per command; the list only needs their common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: ReadonlyArray<CommandModule<any, any>> = [demoCommand, validateCommand, planCommand, applyCommand, forceUnlockCommand];
