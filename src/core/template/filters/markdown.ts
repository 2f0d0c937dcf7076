/** Markdown / MarkdownToHtml: CommonMark plus GitHub tables, strikethrough and autolinks (as Octostache's Markdig pipeline). */
import { Marked } from 'marked';
import type { FilterDefinition } from './types.js';
import { noOptions } from './util.js';

// A private instance so nobody else's marked.use(...) changes our output.
const markdown = new Marked({ gfm: true, breaks: false, async: false });

/** Renders Markdown (trimmed first, as Octostache does) to HTML. */
export function markdownToHtml(text: string): string {
  return markdown.parse(text.trim(), { async: false });
}

const filter = noOptions(markdownToHtml);

export const MARKDOWN_FILTERS: Record<string, FilterDefinition> = {
  markdown: filter,
  markdowntohtml: filter,
};
