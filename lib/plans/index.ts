export * from './csv';
export * from './plans';
