// Step 5: offer to keep the selection as a spec file, so the next run can be `pgrepl plan/apply --spec` instead of
// the picker. Default no: pressing Enter through the wizard should not leave files behind. An existing file is
// overwritten only after its own confirmation; declining asks for another path.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { confirm, input } from '@inquirer/prompts';
import { ask, promptContext } from './prompt-context.js';
import type { PickerIo } from './types.js';

export const DEFAULT_SPEC_PATH = 'pgrepl.yaml';

/** The absolute path to write the spec to, or null when the user does not want one. */
export async function offerSaveSpec(io: PickerIo): Promise<string | null> {
  const cwd = io.cwd ?? process.cwd();
  const wanted = await ask(confirm({ message: 'Save this selection as a spec file (for `pgrepl plan/apply --spec`)?', default: false }, promptContext(io)));
  if (!wanted) return null;
  for (;;) {
    const answer = await ask(
      input(
        {
          message: 'Spec file path',
          default: DEFAULT_SPEC_PATH,
          validate: (value) => pathProblem(resolve(cwd, value.trim())) ?? true,
        },
        promptContext(io),
      ),
    );
    const path = resolve(cwd, answer.trim());
    if (!existsSync(path)) return path;
    const overwrite = await ask(confirm({ message: `${answer.trim()} already exists. Overwrite it?`, default: false }, promptContext(io)));
    if (overwrite) return path;
  }
}

function pathProblem(path: string): string | null {
  if (existsSync(path) && statSync(path).isDirectory()) return `${path} is a directory; name a file`;
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `The directory ${dir} does not exist`;
  return null;
}
