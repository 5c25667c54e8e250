// `${VAR}` / `${VAR:-default}` in string values, `$$` for a literal `$`. Keeps secrets out of the spec file.
// Interpolated values may be passwords: nothing here (or downstream, see `interpolated`) echoes them; errors
// name the variable and where it is used, never a value.
import type { Diagnostic } from '../util/errors.js';
import type { SpecLocator } from './positions.js';
import { formatPath, toPointer, type PathSegment } from './spec-path.js';

export interface Interpolated {
  readonly value: unknown;
  /** JSON pointers of the strings that took a value from the environment: never echo them. */
  readonly interpolated: ReadonlySet<string>;
  /** JSON pointers of the strings with a problem (an unset variable…), already reported. */
  readonly unset: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolateSpec(value: unknown, env: NodeJS.ProcessEnv, locator: SpecLocator): Interpolated {
  const interpolated = new Set<string>();
  const unset = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const visit = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('$')) return node;
      const result = interpolateString(node, env);
      if (result.usedEnv) interpolated.add(toPointer(path));
      if (result.problems.length > 0) unset.add(toPointer(path));
      for (const problem of result.problems) {
        diagnostics.push({ severity: 'error', path: formatPath(path), message: problem, position: locator.value(path) });
      }
      return result.text;
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, [...path, k])]));
    }
    return node;
  };
  return { value: visit(value, []), interpolated, unset, diagnostics };
}

interface StringResult {
  readonly text: string;
  readonly usedEnv: boolean;
  readonly problems: readonly string[];
}

/** Exported for tests and for flag values that take the same syntax. */
export function interpolateString(text: string, env: NodeJS.ProcessEnv): StringResult {
  let out = '';
  let usedEnv = false;
  const problems: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== '{') {
      // A lone `$` (`$1`, `a$b`) stays as written: only `${` starts a variable.
      out += '$';
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) {
      problems.push('unterminated `${`: write `${NAME}`, or `$$` for a literal `$`');
      out += text.slice(i);
      break;
    }
    usedEnv = true;
    const body = text.slice(i + 2, close);
    i = close + 1;
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    const fallback = sep < 0 ? undefined : body.slice(sep + 2);
    if (!VARIABLE_NAME.test(name)) {
      problems.push(
        name === ''
          ? 'empty `${}`: write `${NAME}` or `${NAME:-default}`, or `$$` for a literal `$`'
          : `\`\${${name}}\` is not a variable reference: names are letters, digits and _ (write \`$$\` for a literal \`$\`)`,
      );
      continue;
    }
    if (fallback !== undefined && fallback.includes('${')) {
      problems.push(`\`\${${name}:-…}\`: a default cannot contain another \`\${…}\``);
      continue;
    }
    const fromEnv = env[name];
    // `:-` as in the shell: the default also replaces an empty value.
    if (fromEnv !== undefined && (fromEnv !== '' || fallback === undefined)) out += fromEnv;
    else if (fallback !== undefined) out += fallback;
    else problems.push(`environment variable ${name} is not set (write \`\${${name}:-default}\` to give a default)`);
  }
  return { text: out, usedEnv, problems };
}
