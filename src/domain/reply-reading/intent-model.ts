import type { ReplyIntent } from './reply-reading.js';

/**
 * A second opinion on a reply's intent when the rules find no cue at all (they read it as `other`): a
 * multinomial naive Bayes over the reply's own words (unigrams and bigrams, digits folded), trained by
 * `npm run train:replies` on every labelled reply in `src/testing/fixtures/replies-*.jsonl` and written to
 * `intent-model.generated.ts`. Pure: the counts are data; the same text always gives the same answer.
 *
 * It only ever fills the gap the rules leave: a reply the rules read as anything but `other` keeps that reading,
 * and the model speaks only when it is sure (`MODEL_MIN_POSTERIOR`, chosen by leave-one-set-out validation in
 * the training script, never on a set it is then measured on).
 */
export interface IntentModel {
  readonly version: string;
  /** Laplace smoothing. */
  readonly alpha: number;
  readonly vocabularySize: number;
  /** Replies per intent in the training sets. */
  readonly docs: Readonly<Record<string, number>>;
  /** Tokens per intent (the sum of its counts). */
  readonly totals: Readonly<Record<string, number>>;
  /** token → intent → count. */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface IntentGuess {
  readonly intent: ReplyIntent;
  /** Posterior probability of `intent` among the intents the model knows. */
  readonly posterior: number;
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'and',
  'to',
  'of',
  'hi',
  'hello',
  'thanks',
  'thank',
  'regards',
  'cheers',
]);

/** The words a model reads: lower case, apostrophes dropped, digits folded to '#', and each pair of neighbours. */
export function tokensOf(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/\d+/g, '#')
    .split(/[^a-z#$£€%]+/)
    .filter((w) => w.length > 0 && !STOP.has(w));
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]}_${words[i + 1]}`);
  return out;
}

/** Adds one reply's tokens to mutable training counts (the training script's step). */
export function countInto(
  acc: {
    docs: Record<string, number>;
    totals: Record<string, number>;
    counts: Record<string, Record<string, number>>;
  },
  intent: string,
  text: string,
): void {
  acc.docs[intent] = (acc.docs[intent] ?? 0) + 1;
  for (const t of tokensOf(text)) {
    const row = acc.counts[t] ?? {};
    row[intent] = (row[intent] ?? 0) + 1;
    acc.counts[t] = row;
    acc.totals[intent] = (acc.totals[intent] ?? 0) + 1;
  }
}

/** The most likely intent other than `other`, with its posterior, or null when the model knows nothing useful. */
export function guessIntent(model: IntentModel, text: string): IntentGuess | null {
  const intents = Object.keys(model.docs);
  const allDocs = intents.reduce((t, k) => t + (model.docs[k] ?? 0), 0);
  if (allDocs === 0) return null;
  const tokens = tokensOf(text).filter((t) => model.counts[t] !== undefined);
  if (tokens.length === 0) return null;
  const log: Record<string, number> = {};
  for (const k of intents) {
    const denom = (model.totals[k] ?? 0) + model.alpha * model.vocabularySize;
    let s = Math.log((model.docs[k] ?? 0) / allDocs);
    for (const t of tokens) s += Math.log(((model.counts[t]?.[k] ?? 0) + model.alpha) / denom);
    log[k] = s;
  }
  const max = Math.max(...Object.values(log));
  const z = intents.reduce((t, k) => t + Math.exp((log[k] ?? -Infinity) - max), 0);
  let best: IntentGuess | null = null;
  for (const k of intents) {
    if (k === 'other') continue;
    const p = Math.exp((log[k] ?? -Infinity) - max) / z;
    if (!best || p > best.posterior) best = { intent: k as ReplyIntent, posterior: p };
  }
  return best;
}
