import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILES } from '../../config/load.js';
import { displayPath, newVersion } from '../../migrations/source.js';
import { commandContext } from '../context.js';
import { CONFIG_TEMPLATE, EXAMPLE_MIGRATION } from '../templates.js';

/** `sluice init`: a config file, a migrations directory and an example migration. */
export function register(program: Command): void {
  program
    .command('init')
    .description('create sluice.config.ts, migrations/ and an example migration')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      const created: string[] = [];
      const skipped: string[] = [];
      const existing = CONFIG_FILES.find((f) => existsSync(resolve(f)));
      if (existing) skipped.push(existing);
      else {
        writeFileSync(resolve('sluice.config.ts'), CONFIG_TEMPLATE, { flag: 'wx' });
        created.push('sluice.config.ts');
      }
      const dir = resolve(ctx.options.dir ?? 'migrations');
      if (existsSync(dir)) skipped.push(displayPath(dir));
      else {
        mkdirSync(dir, { recursive: true });
        const example = join(dir, `${newVersion()}_create_notes.sql`);
        writeFileSync(example, EXAMPLE_MIGRATION, { flag: 'wx' });
        created.push(displayPath(dir), displayPath(example));
      }
      ctx.out.result({ created, skipped });
      for (const f of created) ctx.out.line(`created ${f}`);
      for (const f of skipped) ctx.out.line(`exists  ${f} (left as it is)`);
      ctx.out.line(
        'Next: `sluice up` applies the example migration to embedded PGlite; `sluice status` shows it.',
      );
    });
}
