// Globs for catalog names: `*` = any run of characters, `?` = one character, everything else literal.
// Not picomatch: it treats `/` as a path separator and a leading `.` as hidden, and gives `!`, `[`, `{`, `@(`
// meanings that real table names (`"a/b"`, `"[old]"`) must not take.

const cache = new Map<string, RegExp>();

export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    let source = '';
    for (const ch of glob) {
      if (ch === '*') source += '.*';
      else if (ch === '?') source += '.';
      // Only syntax characters: in unicode mode an escaped `-` or letter is itself an error.
      else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    // `u`: `?` is one code point, not one UTF-16 unit; `s`: `.` also matches a newline in a (weird) name.
    re = new RegExp(`^${source}$`, 'su');
    cache.set(glob, re);
  }
  return re;
}

/** Exact comparison for literal text, glob match otherwise. Case-sensitive: catalog names are. */
export function globMatches(glob: string, isPattern: boolean, name: string): boolean {
  return isPattern ? globToRegExp(glob).test(name) : glob === name;
}
