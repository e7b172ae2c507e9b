export * from './csv';
export * from './read';
