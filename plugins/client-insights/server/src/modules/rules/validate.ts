/**
 * Validation of a rule against docs/rules.md: shape, field catalogue, literal types and limits.
 * `parseRule` also returns the parsed tree that the compiler and the evaluator use, so what is
 * accepted here is exactly what they understand. Errors carry JSON pointers into the rule.
 */
import type { CompareOp, Literal, Operand, RuleNode } from './ast';
import { operandIsInteger, operandType } from './ast';
import { getField, INTERACTION_TYPES } from './catalogue';
import { DEFAULT_LIMITS, type FieldDef, type RuleError, type RuleLimits, type ValidationResult } from './types';

export type ParseOptions = { limits?: Partial<RuleLimits> };
export type ParseResult = { ok: true; ast: RuleNode } | { ok: false; errors: RuleError[] };

/** Literals beyond these are refused rather than risking precision or range surprises in SQL. */
export const MAX_ABS_NUMBER = 1e15;
export const MAX_TEXT_LENGTH = 2000;
export const MAX_WINDOW_DAYS = 100_000;

const COMPARISONS: Record<string, '==' | '!=' | '>' | '>=' | '<' | '<='> = {
  '==': '==',
  '===': '==',
  '!=': '!=',
  '!==': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};
const NUMBER_OPERATORS = new Set(['days_since', 'event_count', 'order_count', 'order_total']);
const BOOLEAN_OPERATORS = new Set(['and', 'or', '!', 'in', 'has_tag', 'in_segment', ...Object.keys(COMPARISONS)]);

/** JSON pointer token escaping (RFC 6901). */
const ptr = (base: string, token: string | number) => `${base}/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`;
/** Names from the input are echoed in messages, shortened and JSON-quoted so they stay inert. */
const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** ISO-8601 date or date-time (UTC when no zone is given), to epoch ms; null when invalid. */
export const parseIsoDate = (text: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = m.slice(1);
  const year = Number(y);
  if (year < 1000 || year > 9999) return null;
  const parts = [year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0'))] as const;
  const local = Date.UTC(...parts);
  const check = new Date(local);
  if (check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
  let offset = 0;
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(z[2]) > 23 || Number(z[3]) > 59) return null;
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return local - offset;
};

class Parser {
  errors: RuleError[] = [];
  private nodes = 0;
  private tooMany = false;

  constructor(private limits: RuleLimits) {}

  private fail(path: string, message: string): null {
    this.errors.push({ path, message });
    return null;
  }

  /** Counts a node; false (with one error) once the limit is passed. */
  private count(path: string): boolean {
    this.nodes += 1;
    if (this.nodes > this.limits.maxNodes) {
      if (!this.tooMany) this.fail(path, `the rule has more than ${this.limits.maxNodes} nodes`);
      this.tooMany = true;
      return false;
    }
    return true;
  }

  /** The single key of an operator object, or null with an error. */
  private operatorOf(node: unknown, path: string, depth: number): { op: string; args: unknown[]; argsPath: string; unary: boolean } | null {
    if (depth > this.limits.maxDepth) return this.fail(path, `the rule is nested deeper than ${this.limits.maxDepth} levels`);
    if (!isPlainObject(node)) return null;
    const keys = Object.keys(node);
    if (keys.length !== 1) return this.fail(path, `an operation must have exactly one operator key, found ${keys.length}`);
    const op = keys[0];
    const value = node[op];
    const unary = !Array.isArray(value);
    // json-logic-js accepts {"!": x} for {"!": [x]}; the pointer then has no index.
    return { op, args: unary ? [value] : (value as unknown[]), argsPath: ptr(path, op), unary };
  }

  private argPath(argsPath: string, unary: boolean, i: number) {
    return unary ? argsPath : ptr(argsPath, i);
  }

  /** A rule that is true or false for one customer. */
  boolean(node: unknown, path: string, depth: number): RuleNode | null {
    if (!this.count(path)) return null;
    if (!isPlainObject(node)) {
      return this.fail(path, `expected a rule (an object such as {"==": [{"var": "customer.stage"}, "signed"]}), got ${describe(node)}`);
    }
    const parsed = this.operatorOf(node, path, depth);
    if (!parsed) return null;
    const { op, args, argsPath, unary } = parsed;
    if (!BOOLEAN_OPERATORS.has(op)) {
      if (op === 'var') return this.fail(path, 'a field alone is not a rule; compare it, e.g. {"==": [{"var": "customer.stage"}, "signed"]}');
      if (NUMBER_OPERATORS.has(op)) return this.fail(path, `${quote(op)} returns a number; compare it, e.g. {">=": [{"${op}": [...]}, 1]}`);
      return this.fail(ptr(path, op), `unknown operator ${quote(op)}`);
    }
    const at = (i: number) => this.argPath(argsPath, unary, i);
    switch (op) {
      case 'and':
      case 'or': {
        if (unary || args.length === 0) return this.fail(argsPath, `"${op}" takes a non-empty list of rules`);
        const children = args.map((a, i) => this.boolean(a, at(i), depth + 1));
        return children.every(Boolean) ? { kind: op, path, args: children as RuleNode[] } : null;
      }
      case '!': {
        if (args.length !== 1) return this.fail(argsPath, '"!" takes exactly one rule');
        const arg = this.boolean(args[0], at(0), depth + 1);
        return arg ? { kind: 'not', path, arg } : null;
      }
      case 'has_tag':
      case 'in_segment': {
        if (args.length !== 1) return this.fail(argsPath, `"${op}" takes exactly one ${op === 'has_tag' ? 'tag slug' : 'segment key'}`);
        const name = args[0];
        if (typeof name !== 'string' || name.length === 0 || name.length > 255) {
          return this.fail(at(0), `"${op}" needs a ${op === 'has_tag' ? 'tag slug' : 'segment key'} (a non-empty text of at most 255 characters)`);
        }
        return op === 'has_tag' ? { kind: 'has_tag', path, slug: name } : { kind: 'in_segment', path, key: name };
      }
      case 'in':
        return this.inRule(args, path, argsPath, unary, depth);
      default:
        return this.comparison(COMPARISONS[op], op, args, path, argsPath, unary, depth);
    }
  }

  private inRule(args: unknown[], path: string, argsPath: string, unary: boolean, depth: number): RuleNode | null {
    if (unary || args.length !== 2) return this.fail(argsPath, '"in" takes two arguments: [{"var": field}, [values]] or ["text", {"var": field}]');
    const at = (i: number) => ptr(argsPath, i);
    if (typeof args[0] === 'string') {
      // Text form: the field contains the text.
      const operand = this.operand(args[1], at(1), depth + 1);
      if (!operand) return null;
      if (!this.allows(operand, 'contains', at(1))) return null;
      const text = args[0];
      if (text.length === 0 || text.length > MAX_TEXT_LENGTH) return this.fail(at(0), `the text to look for must have 1 to ${MAX_TEXT_LENGTH} characters`);
      this.count(at(0));
      return { kind: 'compare', path, op: 'contains', operand, literals: [text] };
    }
    const operand = this.operand(args[0], at(0), depth + 1);
    if (!operand) return null;
    if (operand.kind !== 'field') return this.fail(at(0), '"in" with a list reads a field ({"var": ...})');
    if (!this.allows(operand, 'in', at(0))) return null;
    const list = args[1];
    if (!Array.isArray(list)) return this.fail(at(1), 'expected a list of values');
    if (list.length === 0) return this.fail(at(1), 'the list is empty');
    if (list.length > this.limits.maxListLength) return this.fail(at(1), `the list has more than ${this.limits.maxListLength} values`);
    this.count(at(1));
    const literals: Literal[] = [];
    list.forEach((v, i) => {
      const lit = this.literal(v, operand, ptr(at(1), i), false);
      if (lit !== undefined) literals.push(lit);
    });
    return literals.length === list.length ? { kind: 'compare', path, op: 'in', operand, literals } : null;
  }

  private comparison(
    op: '==' | '!=' | '>' | '>=' | '<' | '<=',
    written: string,
    args: unknown[],
    path: string,
    argsPath: string,
    unary: boolean,
    depth: number
  ): RuleNode | null {
    const at = (i: number) => ptr(argsPath, i);
    if (unary) return this.fail(argsPath, `"${written}" takes a list of arguments`);
    if (args.length === 3 && (op === '<' || op === '<=')) {
      const id: CompareOp = op === '<=' ? 'between' : 'between_exclusive';
      const operand = this.operand(args[1], at(1), depth + 1);
      if (!operand) return null;
      if (!this.allows(operand, id, at(1))) return null;
      const low = this.literal(args[0], operand, at(0), false);
      const high = this.literal(args[2], operand, at(2), false);
      if (low === undefined || high === undefined) return null;
      return { kind: 'compare', path, op: id, operand, literals: [low, high] };
    }
    if (args.length !== 2) {
      return this.fail(argsPath, `"${written}" takes two arguments [value, literal]${op === '<' || op === '<=' ? ' or three [low, value, high]' : ''}`);
    }
    if (!isPlainObject(args[0])) {
      return this.fail(at(0), `the first argument must be a field ({"var": ...}) or a number operation, the second the literal to compare with`);
    }
    const operand = this.operand(args[0], at(0), depth + 1);
    if (!operand) return null;
    if (!this.allows(operand, written, at(0))) return null;
    const literal = this.literal(args[1], operand, at(1), op === '==' || op === '!=');
    if (literal === undefined) return null;
    return { kind: 'compare', path, op, operand, literals: [literal] };
  }

  private allows(operand: Operand, id: string, path: string): boolean {
    if (operand.kind !== 'field') {
      const ok = ['==', '!=', '===', '!==', '>', '>=', '<', '<=', 'between', 'between_exclusive'].includes(id);
      if (!ok) this.fail(path, `"${operand.kind}" cannot be used with "${id === 'contains' ? 'in (text)' : id}"`);
      return ok;
    }
    if (operand.field.operators.includes(id)) return true;
    if (operand.field.encrypted && id === 'contains') {
      this.fail(path, `field "${operand.field.path}" is encrypted at rest: it can be compared whole (==, !=, in a list), not searched for text`);
      return false;
    }
    this.fail(path, `field "${operand.field.path}" (${operand.field.type}) cannot be used with "${id === 'contains' ? 'in (text)' : id}"`);
    return false;
  }

  /** A value a comparison reads: {"var": field} or a number-valued custom operator. */
  private operand(node: unknown, path: string, depth: number): Operand | null {
    if (!this.count(path)) return null;
    if (!isPlainObject(node)) return this.fail(path, `expected a field ({"var": "customer.stage"}) or a number operation, got ${describe(node)}`);
    const parsed = this.operatorOf(node, path, depth);
    if (!parsed) return null;
    const { op, args, argsPath, unary } = parsed;
    const at = (i: number) => this.argPath(argsPath, unary, i);
    switch (op) {
      case 'var': {
        const field = this.field(args, argsPath, unary);
        return field ? { kind: 'field', field } : null;
      }
      case 'days_since': {
        if (args.length !== 1) return this.fail(argsPath, '"days_since" takes one datetime field: {"days_since": [{"var": "metrics.last_order_at"}]}');
        const inner = this.operand(args[0], at(0), depth + 1);
        if (!inner) return null;
        if (inner.kind !== 'field' || inner.field.type !== 'datetime') return this.fail(at(0), '"days_since" reads a datetime field');
        return { kind: 'days_since', field: inner.field };
      }
      case 'event_count': {
        if (unary || args.length < 1 || args.length > 2) return this.fail(argsPath, '"event_count" takes [interaction type, days or null]');
        const [type, days = null] = args;
        if (typeof type !== 'string' || !(INTERACTION_TYPES as readonly string[]).includes(type)) {
          return this.fail(
            at(0),
            `unknown interaction type ${typeof type === 'string' ? quote(type) : describe(type)}; one of ${INTERACTION_TYPES.join(', ')}`
          );
        }
        const window = this.days(days, at(1));
        return window === undefined ? null : { kind: 'event_count', eventType: type, days: window };
      }
      case 'order_count':
      case 'order_total': {
        if (args.length > 1) return this.fail(argsPath, `"${op}" takes [days or null]`);
        const window = this.days(args.length ? args[0] : null, at(0));
        return window === undefined ? null : { kind: op, days: window };
      }
      default:
        if (BOOLEAN_OPERATORS.has(op)) return this.fail(path, `"${op}" is a rule, not a value`);
        return this.fail(ptr(path, op), `unknown operator ${quote(op)}`);
    }
  }

  private field(args: unknown[], path: string, unary: boolean): FieldDef | null {
    if (args.length !== 1) return this.fail(path, '"var" takes one field path (default values are not supported)');
    const name = args[0];
    const at = unary ? path : ptr(path, 0);
    if (typeof name !== 'string') return this.fail(at, `a field path must be a text, got ${describe(name)}`);
    const field = getField(name);
    return field ?? this.fail(at, `unknown field ${quote(name)}`);
  }

  private days(value: unknown, path: string): number | null | undefined {
    if (value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WINDOW_DAYS) {
      this.fail(path, `the window must be a whole number of days from 0 to ${MAX_WINDOW_DAYS}, or null for all time`);
      return undefined;
    }
    return value;
  }

  /** A literal that fits the operand's type; undefined (with an error) otherwise. */
  private literal(value: unknown, operand: Operand, path: string, nullable: boolean): Literal | undefined {
    const type = operandType(operand);
    const what = operand.kind === 'field' ? `field "${operand.field.path}"` : `"${operand.kind}"`;
    const bad = (message: string) => {
      this.fail(path, message);
      return undefined;
    };
    if (value === null) return nullable ? null : bad(`null can only be compared with "==" or "!="`);
    if (isPlainObject(value) || Array.isArray(value)) return bad(`expected a literal value for ${what}, got ${describe(value)}`);
    switch (type) {
      case 'number': {
        if (typeof value !== 'number') return bad(`${what} is a number; ${describe(value)} does not fit`);
        if (!Number.isFinite(value) || Math.abs(value) > MAX_ABS_NUMBER) return bad(`numbers must be finite and at most ${MAX_ABS_NUMBER} in size`);
        if (operandIsInteger(operand) && !Number.isInteger(value)) return bad(`${what} takes whole numbers; ${value} is not one`);
        return value;
      }
      case 'datetime': {
        if (typeof value !== 'string') return bad(`${what} is a datetime; write it as an ISO-8601 text such as "2025-01-31T00:00:00Z"`);
        const ms = parseIsoDate(value);
        return ms === null ? bad(`${quote(value)} is not an ISO-8601 date or date-time (years 1000–9999, at most millisecond precision)`) : ms;
      }
      case 'enum': {
        const allowed = (operand as { field: FieldDef }).field.enumValues ?? [];
        if (typeof value !== 'string') return bad(`${what} is a text choice; ${describe(value)} does not fit`);
        return allowed.includes(value) ? value : bad(`${quote(value)} is not a value of ${what}; one of ${allowed.join(', ')}`);
      }
      default: {
        if (typeof value !== 'string') return bad(`${what} is a text; ${describe(value)} does not fit`);
        return value.length > MAX_TEXT_LENGTH ? bad(`texts are limited to ${MAX_TEXT_LENGTH} characters`) : value;
      }
    }
  }
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${quote(value)}`;
  return `${typeof value} ${String(value)}`;
};

/** Parses a rule into the tree the compiler and evaluator use, or returns every error found. */
export const parseRule = (rule: unknown, options: ParseOptions = {}): ParseResult => {
  const parser = new Parser({ ...DEFAULT_LIMITS, ...options.limits });
  const ast = parser.boolean(rule, '', 1);
  if (ast && parser.errors.length === 0) return { ok: true, ast };
  return { ok: false, errors: parser.errors.length ? parser.errors : [{ path: '', message: 'invalid rule' }] };
};

export const validateRule = (rule: unknown, options: ParseOptions = {}): ValidationResult => {
  const result = parseRule(rule, options);
  return result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.errors };
};

/**
 * A stored rule's problems under `/rule` (none for no rule): what every write path checks
 * (core/security/validation.ts). JSON text, as some paths store it, is read as its JSON.
 */
export const storedRuleProblems = (rule: unknown): RuleError[] => {
  if (rule === null || rule === undefined) return [];
  let value = rule;
  if (typeof rule === 'string') {
    try {
      value = JSON.parse(rule);
    } catch {
      return [{ path: '/rule', message: 'a rule must be JSON-Logic' }];
    }
  }
  return validateRule(value).errors.map((e) => ({ ...e, path: `/rule${e.path}` }));
};

/** Parses or throws a RuleValidationError (for callers that validated already). */
export class RuleValidationError extends Error {
  constructor(public errors: RuleError[]) {
    super(`invalid rule: ${errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
  }
}

export const parseRuleOrThrow = (rule: unknown, options: ParseOptions = {}): RuleNode => {
  const result = parseRule(rule, options);
  if (!result.ok) throw new RuleValidationError(result.errors);
  return result.ast;
};
