/**
 * The only place that branches on the database client; everything else asks here. One file per
 * concern: which database (client), dates, numbers, text comparison, errors, transactions, locks,
 * the planner, bulk loads and schema inspection.
 */
export * from './client';
export * from './dates';
export * from './numbers';
export * from './text';
export * from './errors';
export * from './transactions';
export * from './locks';
export * from './claim';
export * from './planner';
export * from './bulk';
export * from './schema';
