/**
 * Everything the CLI prints goes through here: results to stdout (one JSON document with --json),
 * progress and notes to stderr, errors in one format. Connection URLs are masked on the way out.
 */
import pc from 'picocolors';
import { maskSecrets } from '../config/url.js';
import { SluiceError } from '../errors.js';
import type { RunnerEvent } from '../runner/execute.js';

export interface Output {
  readonly json: boolean;
  /** A result line (human mode only). */
  line(text?: string): void;
  /** A note to stderr (progress, warnings). */
  note(text: string): void;
  /** The machine result (JSON mode only). */
  result(value: unknown): void;
  /** A report already rendered in the format asked for (e.g. `lint --format sarif`), in every mode. */
  report(text: string): void;
  error(error: unknown): void;
  event(event: RunnerEvent): void;
}

const colors = pc.createColors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
export const c = colors;

function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/**
 * How much goes to stderr besides errors: `quiet` nothing, `normal` progress and notes, `verbose`
 * also each statement as it runs with its duration.
 */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

/**
 * Creates the output for one invocation. With `json`, progress and notes go to stderr as JSON
 * lines (one {@link RunnerEvent} object a line, `type` first), so a script can parse both streams.
 */
export function createOutput(json: boolean, verbosity: Verbosity = 'normal'): Output {
  let progressBar: Promise<import('../online/backfill/index.js').ProgressBar> | undefined;
  const out = (text: string) => process.stdout.write(`${maskSecrets(text)}\n`);
  const rawErr = (text: string) => process.stderr.write(`${maskSecrets(text)}\n`);
  const err = (text: string) => {
    if (verbosity !== 'quiet') rawErr(text);
  };
  const jsonLine = (event: RunnerEvent) => err(JSON.stringify(event));
  return {
    json,
    line: (text = '') => {
      if (!json) out(text);
    },
    note: (text) => (json ? jsonLine({ type: 'note', message: text }) : err(text)),
    result: (value) => {
      if (json) out(JSON.stringify(value, null, 2));
    },
    report: (text) => {
      process.stdout.write(maskSecrets(text));
    },
    error: (error) => {
      if (json) {
        const body =
          error instanceof SluiceError
            ? error.toJSON()
            : { error: 'internal', message: String((error as Error)?.message ?? error) };
        out(JSON.stringify(body, null, 2));
        return;
      }
      if (error instanceof SluiceError) {
        rawErr(`${colors.red('error')} ${error.message}`);
        const d = error.details;
        if (d.statement)
          rawErr(
            `  ${colors.dim('statement:')} ${String(d.statement).split('\n').slice(0, 6).join('\n             ')}`,
          );
        if (d.detail) rawErr(`  ${colors.dim('detail:')} ${String(d.detail)}`);
        if (d.hint) rawErr(`  ${colors.dim('hint:')} ${String(d.hint)}`);
        return;
      }
      rawErr(`${colors.red('internal error')} ${(error as Error)?.stack ?? String(error)}`);
    },
    event: (event) => {
      if (verbosity === 'quiet' || (event.type === 'statement' && verbosity !== 'verbose')) return;
      if (json) {
        jsonLine(event);
        return;
      }
      switch (event.type) {
        case 'lock-wait':
          err(`Waiting for the migration lock${event.holder ? `, held by ${event.holder}` : ''}…`);
          break;
        case 'migration-done':
          err(
            `${event.direction === 'up' ? colors.green('applied ') : colors.yellow('reverted')} ${event.version}_${event.name} ${colors.dim(`(${fmtMs(event.durationMs)})`)}`,
          );
          break;
        case 'retry':
          err(
            `${colors.yellow('lock timeout')} on ${event.version}; retry ${event.attempt} in ${fmtMs(event.delayMs)} (${event.message})`,
          );
          break;
        case 'resume':
          err(`Resuming ${event.version}: ${event.skipped} finished statement(s) skipped.`);
          break;
        case 'note':
          err(event.message);
          break;
        case 'statement':
          err(
            `  ${colors.dim(`${event.file}${event.line !== undefined ? `:${event.line}` : ''} (${fmtMs(event.durationMs)})`)} ${firstLine(event.sql)}`,
          );
          break;
        case 'progress':
          // The bar (cli-progress) is loaded on the first progress event, not at start-up.
          progressBar ??= import('../online/backfill/index.js').then((m) =>
            m.createProgressBar(process.stderr),
          );
          void progressBar.then((bar) => bar(event.progress as Parameters<typeof bar>[0]));
          break;
        default:
          break;
      }
    },
  };
}

/** A statement's first line, marked when it goes on. */
function firstLine(sql: string): string {
  const [first = '', ...rest] = sql.split('\n');
  return rest.length > 0 ? `${first} …` : first;
}

export { fmtMs };
