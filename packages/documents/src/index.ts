/**
 * @opendeg/documents — the Procedure's forms (Appendices 1–7) as canonical JSON documents (RFC 8785),
 * as PDF with Cyrillic text (pdfmake, server side), and their detached CMS signatures (RFC 5652).
 */

export * from './document.ts';
export * from './number-words.ts';
export * from './russian-text.ts';
export * from './officers.ts';
export * from './participant-list.ts';
export * from './exclusion-register.ts';
export * from './protocol.ts';
export * from './line-mapping.ts';
export * from './results-data.ts';
export * from './observer-list.ts';
export * from './render.ts';
export * from './signing.ts';
