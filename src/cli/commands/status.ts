import type { Command } from 'commander';
import type { StatusEntry } from '../../runner/plan.js';
import { type CommandContext, commandContext, withMigrator } from '../context.js';
import { c } from '../output.js';

const COLOR = {
  applied: c.green,
  pending: c.cyan,
  drifted: c.red,
  missing: c.red,
  active: c.yellow,
} as const;

/**
 * `status --check`: drifted or missing migrations exit 3 (what `up` would refuse), pending ones
 * (without those) exit 1; the reason goes to stderr after the status itself.
 */
function check(ctx: CommandContext, entries: StatusEntry[]): void {
  const of = (state: string) => entries.filter((e) => e.state === state).map((e) => `${e.version}_${e.name}`);
  const bad = [...of('drifted'), ...of('missing')];
  const pending = of('pending');
  if (bad.length > 0) {
    ctx.out.note(`status --check: drifted or missing: ${bad.join(', ')}.`);
    ctx.exit(3);
  } else if (pending.length > 0) {
    ctx.out.note(`status --check: pending: ${pending.join(', ')}.`);
    ctx.exit(1);
  }
}

/** `sluice status`: every migration's state and the current version. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show applied / pending / drifted / missing migrations and the current version')
    .option('--check', 'for CI: exit 3 when a migration is drifted or missing, 1 when one is pending')
    .action(async (opts: { check?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      await withMigrator(ctx, async (m) => {
        const status = await m.status();
        // Applied migrations keep the class computed when they ran; pending ones are planned now.
        const { classes, pendingUnknown } = await m.classify(status);
        if (pendingUnknown) {
          ctx.out.note(
            `Pending migrations not classified, as \`up\` would stop on them [${pendingUnknown.code}]: ${pendingUnknown.message}`,
          );
        }
        ctx.out.result({
          current: status.current,
          migrations: status.entries.map((e) => ({
            version: e.version,
            name: e.name,
            state: e.state,
            class: classes.get(e.version) ?? null,
            ...(e.file ? { file: e.file.path } : {}),
            ...(e.row && e.state !== 'pending' ? { appliedAt: e.row.appliedAt.toISOString() } : {}),
            ...(e.row?.status === 'partial'
              ? {
                  partial: {
                    statementsDone: e.row.statementsDone,
                    statementsTotal: e.row.statementsTotal,
                    failure: e.row.failure,
                  },
                }
              : {}),
          })),
        });
        ctx.out.line(`Database: ${(await m.driver()).description}`);
        ctx.out.line(`Current:  ${status.current ?? '(none applied)'}`);
        ctx.out.line();
        for (const e of status.entries) {
          const cls = classes.get(e.version);
          ctx.out.line(
            `  ${COLOR[e.state](e.state.padEnd(8))} ${e.version}  ${e.name}${cls ? c.dim(`  (${cls})`) : ''}`,
          );
          const row = e.row;
          if (row?.status === 'partial') {
            const f = row.failure;
            ctx.out.line(
              `           ${c.yellow(`stopped after ${row.statementsDone}/${row.statementsTotal} statements`)}${f ? `: statement ${f.index + 1}${f.line ? ` (line ${f.line})` : ''} failed: ${f.message}` : ''}`,
            );
          }
        }
        const pending = status.entries.filter((e) => e.state === 'pending').length;
        ctx.out.line();
        ctx.out.line(`${status.entries.length} migration(s), ${pending} pending.`);
        if (opts.check) check(ctx, status.entries);
      });
    });
}
