import { winston, formats } from '@strapi/logger';

// Tests run quiet (warn) unless LOG_LEVEL says otherwise.
const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');

/**
 * The transport's `level` keeps that level and every more severe one (error, warn, info…).
 * Not `formats.levelFilter(level)`: it keeps only messages whose level contains that word, so
 * with "info" every warning and error was dropped.
 */
export default {
  transports: [
    new winston.transports.Console({
      level,
      format: formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' }),
    }),
  ],
};
