/**
 * Rules over fields encrypted at rest (catalogue `encrypted`: customer.email, customer.phone).
 * Both engines compare the keyed hash of the normalised value (core/security/field-crypto.ts), so
 * they agree by construction: SQL the hash column against hashed literals, JS the customer's
 * stored hash (facts.ts) against the same hashed literals. Whether a value is missing is read from
 * the encrypted column itself, so `== null` holds exactly for customers without a value.
 */
import { HASH_COLUMNS, hashValue, isHashedField, type HashedField } from '../../core/security/field-crypto';
import type { Literal, Operand } from './ast';
import type { FieldDef } from './types';

const nameOf = (field: FieldDef) => field.path.slice(field.path.indexOf('.') + 1);

/** The hashed field an operand reads, if it reads one. */
export const encryptedFieldOf = (operand: Operand): HashedField | null => {
  if (operand.kind !== 'field' || !operand.field.encrypted) return null;
  const name = nameOf(operand.field);
  return isHashedField(name) ? name : null;
};

/** A comparison's literals as the engines compare them: texts hashed, null kept. */
export const hashedLiterals = (field: HashedField, literals: Literal[]): Literal[] =>
  literals.map((literal) => (typeof literal === 'string' ? hashValue(field, literal) : literal));

/** The SQL value compared: the hash, '' for a value written without one (matches no literal, as in facts.ts). */
export const hashSql = (field: HashedField) => `coalesce(c.${HASH_COLUMNS[field]}, '')`;

/** The hash column beside an encrypted catalogue field (on `c`, the customers table). */
export const hashColumnOf = (field: FieldDef): string => HASH_COLUMNS[nameOf(field) as HashedField];

/** What facts hold for a hashed field: null without a value, else its stored hash ('' if none was stored). */
export const hashFact = (value: unknown, hash: unknown): string | null => (value === null || value === undefined ? null : typeof hash === 'string' ? hash : '');
