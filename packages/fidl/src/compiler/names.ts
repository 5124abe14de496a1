/**
 * Identifier case conversions. FIDL names must be unique after conversion to
 * a canonical lower snake_case form, because bindings rename them to their
 * language's conventions and `FooBar` and `foo_bar` would then clash.
 */

function isUpper(c: string): boolean {
  return c >= 'A' && c <= 'Z';
}

function isLower(c: string): boolean {
  return c >= 'a' && c <= 'z';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * Canonical form: words split at underscores and at lower-to-upper or
 * acronym-to-word boundaries, joined with '_' in lower case.
 * `HTTPServer` -> `http_server`, `fooBar` -> `foo_bar`, `foo__bar` -> `foo_bar`.
 */
export function canonicalName(name: string): string {
  let out = '';
  let prev = '_';
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    const next = name[i + 1] ?? '';
    if (c === '_') {
      if (prev !== '_') out += '_';
    } else if (
      ((isLower(prev) || isDigit(prev)) && isUpper(c)) ||
      (prev !== '_' && isUpper(c) && isLower(next))
    ) {
      out += '_' + c.toLowerCase();
    } else {
      out += c.toLowerCase();
    }
    prev = c;
  }
  return out;
}

/** Words of an identifier in lower case, split like canonicalName. */
export function identifierWords(name: string): string[] {
  const words: string[] = [];
  let word = '';
  let lastUpperOrStart = true;
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '_' || c === '-' || c === '.') {
      if (word) words.push(word);
      word = '';
      lastUpperOrStart = true;
      continue;
    }
    const nextLower = isLower(name[i + 1] ?? '');
    if (isUpper(c) && (!lastUpperOrStart || nextLower) && word) {
      words.push(word);
      word = '';
    }
    word += c.toLowerCase();
    lastUpperOrStart = isUpper(c);
  }
  if (word) words.push(word);
  return words;
}

/** `signed_enum` -> `SignedEnum`; digits next to digits keep an '_' between words. */
export function upperCamel(name: string): string {
  let out = '';
  let prevDigit = false;
  for (const w of identifierWords(name)) {
    if (prevDigit && isDigit(w[0] ?? '')) out += '_';
    out += (w[0] ?? '').toUpperCase() + w.slice(1);
    prevDigit = isDigit(w[w.length - 1] ?? '');
  }
  return out;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] as number;
}

/** The closest candidate within a small distance, for error hints. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  const canon = canonicalName(name);
  for (const c of candidates) {
    if (c === name) continue;
    if (canonicalName(c) === canon) return c;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= bestDist) {
      best = c;
      bestDist = d - 1;
    }
  }
  return best;
}
