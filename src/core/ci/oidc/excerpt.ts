/** Longest excerpt quoted in a refusal reason, characters. */
export const EXCERPT_MAX_CHARS = 200;

/** Longer words are withheld: a credential (JWT segment, API key) is one long word. */
const MAX_WORD_CHARS = 64;

/** Two dot-joined runs of base64url, as in any piece of a JWT. Only run on words of at most 64 chars. */
const TOKEN_PIECE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** Control and format characters (escapes, bidi overrides) are never printed. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

const WITHHELD = '***';

export interface ExcerptOptions {
  /** Values that must never appear, e.g. the request token. */
  secrets: readonly string[];
  /** The text is a prefix of a longer body: its last word may be cut, so it is withheld. */
  truncated?: boolean;
}

/**
 * A one-line excerpt of an HTTP body for a refusal reason, at most 200 characters, '' when nothing
 * printable is left. Linear in the text: it is split into words and every word that could carry a
 * credential (a secret, more than 64 characters, two dots, or a JWT-like piece) becomes `***`.
 * Line breaks become spaces, so the excerpt cannot start a workflow-command line either.
 */
export function safeExcerpt(text: string, { secrets, truncated = false }: ExcerptOptions): string {
  let clean = text.replace(UNPRINTABLE, ' ');
  for (const secret of secrets) if (secret) clean = clean.split(secret).join(WITHHELD);
  const words = clean.split(/\s+/).filter(Boolean);
  if (truncated && words.length > 0) words[words.length - 1] = WITHHELD;

  const out: string[] = [];
  let length = 0;
  for (const word of words) {
    if (length > EXCERPT_MAX_CHARS) break;
    const shown = isSafeWord(word) ? word : WITHHELD;
    if (shown === WITHHELD && out[out.length - 1] === WITHHELD) continue;
    out.push(shown);
    length += shown.length + 1;
  }
  return out.join(' ').slice(0, EXCERPT_MAX_CHARS);
}

function isSafeWord(word: string): boolean {
  return word.length <= MAX_WORD_CHARS && word.split('.').length <= 2 && !TOKEN_PIECE.test(word);
}
