import type { Command } from 'commander';
import { register as abort } from './abort.js';
import { register as accept } from './accept.js';
import { register as backfill } from './backfill.js';
import { register as baseline } from './baseline.js';
import { register as complete } from './complete.js';
import { register as down } from './down.js';
import { register as history } from './history.js';
import { register as importHistory } from './import.js';
import { register as init } from './init.js';
import { register as lint } from './lint.js';
import { register as newMigration } from './new.js';
import { register as plan } from './plan.js';
import { register as schema } from './schema.js';
import { register as status } from './status.js';
import { register as up } from './up.js';

/** Every command, in the order `--help` lists them. */
export const commands: ((program: Command) => void)[] = [
  init,
  newMigration,
  up,
  down,
  status,
  history,
  baseline,
  importHistory,
  accept,
  plan,
  lint,
  complete,
  abort,
  schema,
  backfill,
];
