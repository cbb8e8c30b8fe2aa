import { invalid } from './http-errors.js';

/** Trims and de-duplicates a tag list, keeping the order the author gave; a blank tag is a 422. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '') throw invalid('tagList', "can't be blank");
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}
