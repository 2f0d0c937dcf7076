/** Slipway's library entry: the public API of its core modules, as plain re-exports. */
export { renderTemplate, TemplateError } from './core/template/index.js';
export type { FilterContext, RenderOptions, RenderResult, TemplateFilter } from './core/template/index.js';
