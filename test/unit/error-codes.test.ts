/**
 * Error codes are typed: each maps to one exit code, and the README's table lists every code with
 * the exit code the CLI gives it, so the documentation cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, RefusedError, SluiceError, UsageError } from '../../src/errors.js';
import { PlanError } from '../../src/online/plan.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

describe('error codes', () => {
  it('the README lists every code with its exit code, and no other', () => {
    const rows = [...README.matchAll(/^\| `([a-z-]+)` \| ([0-3]) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(EXIT_CODES);
    expect(rows).toHaveLength(Object.keys(EXIT_CODES).length);
  });

  it('an error exits with its code’s exit code', () => {
    expect(new UsageError('bad').exitCode).toBe(2);
    expect(new RefusedError('drift', 'changed').exitCode).toBe(3);
    expect(new SluiceError('aborted', 'stopped').exitCode).toBe(1);
  });

  it('a planning error is a SluiceError about the migration file', () => {
    const error = new PlanError('column "x" does not exist', 'Fix the operation.');
    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: 'migration-file', exitCode: 2, hint: 'Fix the operation.' });
    expect(error.details.hint).toBe('Fix the operation.');
  });
});
