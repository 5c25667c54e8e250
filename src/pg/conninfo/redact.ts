// Conninfo strings in SQL previews, plans and logs show `password=<redacted>` instead of the password
// (CONTRACTS.md, Secrets). Works on key=value strings and on postgres:// URLs (user info and ?password=).
import { tokenizeKeyValue } from './parse-key-value.js';
import { percentDecode, urlPrefixLength } from './parse-url.js';

export const REDACTED = '<redacted>';
/** Shown instead of a string that cannot be tokenised: where its password is cannot be known. */
export const UNPARSEABLE_REDACTED = '<conninfo redacted: not a valid connection string>';

export function redactedConninfo(conninfo: string): string {
  const prefix = urlPrefixLength(conninfo.trimStart());
  if (prefix > 0) return redactUrl(conninfo);
  let entries;
  try {
    entries = tokenizeKeyValue(conninfo);
  } catch {
    return UNPARSEABLE_REDACTED;
  }
  let out = '';
  let last = 0;
  for (const e of entries) {
    if (e.key !== 'password') continue;
    out += conninfo.slice(last, e.rawStart) + REDACTED;
    last = e.rawEnd;
  }
  return out + conninfo.slice(last);
}

function redactUrl(url: string): string {
  const lead = url.length - url.trimStart().length;
  const start = lead + urlPrefixLength(url.trimStart());
  // libpq's rule: user info ends at the first '@' found before any '/'.
  let q = start;
  while (q < url.length && url[q] !== '@' && url[q] !== '/') q += 1;
  let head = url.slice(0, start);
  let rest = url.slice(start);
  if (url[q] === '@') {
    const userinfo = url.slice(start, q);
    const colon = userinfo.indexOf(':');
    head += colon < 0 ? userinfo + '@' : `${userinfo.slice(0, colon)}:${REDACTED}@`;
    rest = url.slice(q + 1);
  }
  const question = rest.indexOf('?');
  if (question < 0) return head + rest;
  const params = rest
    .slice(question + 1)
    .split('&')
    .map((p) => (isPasswordParam(p) ? `password=${REDACTED}` : p));
  return head + rest.slice(0, question + 1) + params.join('&');
}

/** `password=…`, also with a percent-encoded key (`p%61ssword=…`), which libpq decodes. */
function isPasswordParam(param: string): boolean {
  const eq = param.indexOf('=');
  const rawKey = eq < 0 ? param : param.slice(0, eq);
  try {
    return percentDecode(rawKey, 'query parameter name') === 'password';
  } catch {
    return false;
  }
}
