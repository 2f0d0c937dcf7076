/** The tag set editor's form and document: the set's tags in order, each with a colour. */
import type { TagJson, TagSetJson } from './types.js';

/** A tag being edited; `key` keeps React's list identity. */
export interface TagForm extends TagJson {
  key: string;
}

/** The tag set being edited. */
export interface TagSetForm {
  name: string;
  description: string;
  tags: TagForm[];
}

/** The document a POST or PUT of a tag set takes. */
export interface TagSetDocument {
  name: string;
  description: string;
  tags: TagJson[];
}

/** Colours offered for new tags (AA contrast against white text is not needed: they are swatches). */
export const TAG_COLOURS = ['#1f6feb', '#2da44e', '#bf8700', '#cf222e', '#8250df', '#57606a'] as const;

let nextKey = 0;
/** A new tag named `name`, coloured by its position. */
export function newTag(name: string, index: number): TagForm {
  nextKey += 1;
  return {
    key: `tag-${nextKey}`,
    name,
    color: TAG_COLOURS[index % TAG_COLOURS.length] ?? '#333333',
    description: '',
  };
}

/** An empty tag set form. */
export function emptyTagSetForm(): TagSetForm {
  return { name: '', description: '', tags: [] };
}

/** The form for a tag set as read. */
export function tagSetToForm(s: TagSetJson): TagSetForm {
  return {
    name: s.name,
    description: s.description,
    tags: s.tags.map((t, i) => ({ ...newTag(t.name, i), color: t.color, description: t.description })),
  };
}

/** The document for a form. */
export function formToTagSet(f: TagSetForm): TagSetDocument {
  return {
    name: f.name.trim(),
    description: f.description,
    tags: f.tags.map((t) => ({ name: t.name.trim(), color: t.color, description: t.description })),
  };
}

/** Black or white, whichever reads better on `hex` (#RRGGBB), for a tag's label. */
export function textColourOn(hex: string): '#000000' | '#ffffff' {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return '#ffffff';
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => {
    const v = parseInt(c ?? '0', 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white (1.05 / (L + 0.05)) against with black ((L + 0.05) / 0.05).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000';
}
