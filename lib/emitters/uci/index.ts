export * from './section';
export { renderUciPackage, quoteUci } from './serialize';
export * from './parse';
