/** A tiny XML writer for Query-protocol responses (STS, IAM). */

export type XmlValue = string | number | boolean | Date | undefined | null | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

/** Escapes text for element content. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function valueToXml(name: string, v: XmlValue): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return `<${name}>${v.map((item) => valueToXml('member', item)).join('')}</${name}>`;
  if (v instanceof Date) return `<${name}>${v.toISOString()}</${name}>`;
  if (typeof v === 'object') return `<${name}>${nodeToXml(v)}</${name}>`;
  return `<${name}>${escapeXml(String(v))}</${name}>`;
}

/** Serialises an object tree: keys become elements, arrays become `<member>` lists. */
export function nodeToXml(node: XmlNode): string {
  return Object.entries(node)
    .map(([k, v]) => valueToXml(k, v))
    .join('');
}
