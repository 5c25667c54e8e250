// Operator names an expression uses without a schema. With search_path = pg_catalog the deparsers print built-in
// operators bare (`a >= b`, `x @@ q`) and any other one as OPERATOR(schema.op), so the bare ones are pg_catalog's,
// which a target of another major may lack (e.g. the factorial `!` that PostgreSQL 14 removed).
import { withoutQuoted } from './compat-constructs.js';

/** The characters PostgreSQL operator names are made of. */
const OPERATOR_RUN = /[+\-*/<>=~!@#%^&|`?]+/g;
/** A name ending in + or - must also hold one of these (the lexer's rule), or the trailing signs are separate operators. */
const SIGN_ALLOWING = /[~!@#%^&|`?]/;

/** The lexer's split of a run of operator characters: `=-` is `=` then a prefix `-`; `@-@` stays whole. */
function splitRun(run: string): string[] {
  if (run.length === 1 || SIGN_ALLOWING.test(run)) return [run];
  let head = run;
  while (head.length > 1 && (head.endsWith('+') || head.endsWith('-'))) head = head.slice(0, -1);
  return head === run ? [run] : [head, ...run.slice(head.length).split('')];
}

export function unqualifiedOperators(text: string): string[] {
  const names = new Set<string>();
  // OPERATOR(schema.op) is qualified: a user's or an extension's, created by the plan. `=>` is named-argument
  // notation, not an operator; `::` is a cast and holds no operator character.
  const plain = withoutQuoted(text).replace(/\bOPERATOR\s*\([^)]*\)/gi, ' ').replace(/=>/g, ' ');
  for (const m of plain.matchAll(OPERATOR_RUN)) {
    // `/*` and `--` would start comments; the deparsers print none outside function bodies (not checked).
    for (const name of splitRun(m[0])) names.add(name);
  }
  return [...names].sort();
}
