/**
 * Turning text into a template that renders as exactly that text (for values a person may not
 * write templates in, such as a deployer's prompted values). The language's only escape is a run
 * of `#` before `{`: a run of n before `{` renders as n − 1 `#` and a literal `{` when n is even,
 * and ends in a tag when n is odd. So k `#` before `{` are written k + 1 times when k is odd; an
 * even k has no literal form, and such text is refused.
 */
import { SlipwayError } from '../errors.js';

/** `text` as a template that renders to `text`; INVALID_INPUT naming `field` when it cannot be. */
export function literalTemplate(text: string, field: string): string {
  return text.replace(/(#+)\{/g, (_match, run: string) => {
    if (run.length % 2 === 0) {
      throw new SlipwayError(
        'INVALID_INPUT',
        `${field}: ${run.length} "#" before "{" cannot be taken as plain text; write it another way (for example with a space between them).`,
        { data: { issues: [`${field}: an even run of "#" before "{"`] } },
      );
    }
    return `${run}#{`;
  });
}
