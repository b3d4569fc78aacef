/**
 * Checks a config object and, when it is wrong, says everything that is wrong at once, in words:
 * `key: what is wrong (got …)`, one line a problem, with a did-you-mean for a misspelt key.
 */
import type { z as Zod } from 'zod';
import { ConfigError } from '../errors.js';
import { parseDuration, type SluiceConfig } from './define.js';

const DURATION = 'a duration such as 500ms, 3s, 2min (or a number of milliseconds)';

function isDuration(value: unknown): boolean {
  if (typeof value !== 'number' && typeof value !== 'string') return false;
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}

/** The keys of a config object, or of one block of `environments` (which holds the same keys). */
function configFields(z: typeof Zod) {
  // One test for durations, the one that converts them: a schema regex would be a second copy.
  const duration = z.custom<string | number>(isDuration, { message: `expected ${DURATION}` });
  return {
    database: z.string().min(1).optional(),
    migrations: z.string().min(1).optional(),
    layout: z.enum(['sluice', 'dbmate', 'prisma', 'flyway']).optional(),
    historyTable: z.string().min(1).max(63).optional(),
    historySchema: z.string().min(1).max(63).optional(),
    transaction: z.enum(['each', 'all', 'none']).optional(),
    lockTimeout: duration.optional(),
    lockRetries: z.number().int().min(0).max(1000).optional(),
    lockRetryBudget: duration.optional(),
    statementTimeout: duration.optional(),
    lockWait: duration.optional(),
    outOfOrder: z.boolean().optional(),
    lint: z
      .object({
        pgVersion: z.number().int().min(9).max(30).optional(),
        rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).optional(),
        startAfter: z.string().regex(/^\d+$/, 'a migration version (digits)').optional(),
      })
      .strict()
      .optional(),
  };
}

const LINT_KEYS = ['pgVersion', 'rules', 'startAfter'];

/** The keys allowed at `path` in a config, for an unknown key's did-you-mean. */
function knownKeysAt(path: readonly PropertyKey[], fields: string[]): string[] {
  if (path.length === 0) return [...fields, 'environments'];
  if (path[path.length - 1] === 'lint') return LINT_KEYS;
  return fields;
}

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known key closest to a misspelt one, when it is close enough to be a typo (case is ignored,
 * and at most a third of the letters differ).
 *
 * @example
 * closestKey('databse', ['database', 'migrations']) // 'database'
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(key.length / 3)) ? best.name : undefined;
}

/** The value at `path` in `raw`, shown briefly; never the value of a `database` key (a URL). */
function shown(raw: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = raw;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  if (path.includes('database') && typeof value === 'string') return 'a string';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

const ARTICLE: Record<string, string> = {
  int: 'an integer',
  object: 'an object',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/** A problem found at `path`; `got` says whether the value there is worth showing. */
interface Problem {
  path: readonly PropertyKey[];
  text: string;
  got: boolean;
}

/** One zod issue in words (several for several unknown keys). */
function describe(issue: Zod.core.$ZodIssue, fields: string[]): Problem[] {
  const at = (text: string): Problem[] => [{ path: issue.path, text, got: true }];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path, fields);
      return issue.keys.map((key) => {
        const near = closestKey(key, known);
        const text = `unknown key (${near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`})`;
        return { path: [...issue.path, key], text, got: false };
      });
    }
    case 'invalid_type':
      return at(`expected ${ARTICLE[issue.expected] ?? issue.expected}`);
    case 'invalid_value':
      return at(`expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`);
    case 'too_small':
      if (issue.origin !== 'string') return at(`must be at least ${issue.minimum}`);
      return at(
        Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} characters`,
      );
    case 'too_big':
      return at(
        `must ${issue.origin === 'string' ? 'have' : 'be'} at most ${issue.maximum}${issue.origin === 'string' ? ' characters' : ''}`,
      );
    default:
      return at(issue.message);
  }
}

/** Every problem of a config object as `key: what is wrong (got …)`, in the order zod found them. */
function problems(issues: Zod.core.$ZodIssue[], raw: unknown, fields: string[]): string[] {
  return issues
    .flatMap((issue) => describe(issue, fields))
    .map(({ path, text, got }) => {
      const where = path.length > 0 ? path.map(String).join('.') : '(the whole config)';
      return `${where}: ${text}${got ? ` (got ${shown(raw, path)})` : ''}`;
    });
}

/**
 * Validates a config object read from `file` (as shown to the user). Throws one ConfigError
 * listing every problem (also as `details.problems`).
 *
 * @example
 * const config = await validateConfig({ lockTimeout: '2s' }, 'sluice.config.json');
 */
export async function validateConfig(raw: unknown, file: string): Promise<SluiceConfig> {
  // zod is loaded only when there is a config to check.
  const { z } = await import('zod');
  const fields = configFields(z);
  const schema = z
    .object({ ...fields, environments: z.record(z.string(), z.object(fields).strict()).optional() })
    .strict();
  const result = schema.safeParse(raw);
  if (result.success) return result.data as SluiceConfig;
  const list = problems(result.error.issues, raw, Object.keys(fields));
  const message =
    list.length === 1
      ? `Invalid config ${file}: ${list[0]}.`
      : `Invalid config ${file}, ${list.length} problems:\n${list.map((p) => `  ${p}`).join('\n')}`;
  throw new ConfigError(message, {
    details: {
      file,
      problems: list,
      hint: 'Fix these in the config file; see the README section "Configuration".',
    },
  });
}
