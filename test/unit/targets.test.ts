import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseDownTarget, parseUpTarget } from '../../src/runner/plan.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseUpTarget', () => {
  it.each([
    [undefined, { kind: 'head' }],
    ['head', { kind: 'head' }],
    ['+1', { kind: 'count', n: 1 }],
    ['+12', { kind: 'count', n: 12 }],
    ['20240101120000', { kind: 'version', version: '20240101120000' }],
    ['007', { kind: 'version', version: '007' }],
  ])('%s', (text, expected) => {
    expect(parseUpTarget(text)).toEqual(expected);
  });

  it.each(['', 'HEAD', 'latest', '-1', '+', '+x', '1.5', ' 1', '1a', 'base'])('rejects %j', (text) => {
    const error = usageError(() => parseUpTarget(text));
    expect(error.message).toBe(`Invalid up target "${text}".`);
    expect(error.details.hint).toBe('Use head, +N (e.g. +1) or a version (e.g. 20240101120000).');
  });

  it('rejects +0', () => {
    expect(usageError(() => parseUpTarget('+0')).message).toBe(
      'Invalid target "+0": the count must be at least 1.',
    );
  });
});

describe('parseDownTarget', () => {
  it.each([
    [undefined, { kind: 'count', n: 1 }],
    ['-1', { kind: 'count', n: 1 }],
    ['-3', { kind: 'count', n: 3 }],
    ['base', { kind: 'base' }],
    ['20240101120000', { kind: 'version', version: '20240101120000' }],
  ])('%s', (text, expected) => {
    expect(parseDownTarget(text)).toEqual(expected);
  });

  it.each(['', 'foo', 'BASE', 'head', '+1', '-', '-x', '1-', '-1.5'])('rejects %j', (text) => {
    const error = usageError(() => parseDownTarget(text));
    expect(error.message).toBe(`Invalid down target "${text}".`);
    expect(error.details.hint).toMatch(/^Use -N/);
  });

  it('rejects -0', () => {
    expect(usageError(() => parseDownTarget('-0')).message).toBe(
      'Invalid target "-0": the count must be at least 1.',
    );
  });
});
