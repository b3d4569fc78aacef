/** Privileges as `GRANT` / `REVOKE`. */
import type { Grant } from '../model.js';
import { q, qn } from './quote.js';

const KIND_WORD: Record<Grant['on']['kind'], string> = {
  schema: 'SCHEMA',
  table: 'TABLE',
  view: 'TABLE',
  sequence: 'SEQUENCE',
  routine: 'ROUTINE',
  type: 'TYPE',
};

/** The object part: `TABLE "s"."t"`, `SCHEMA "s"`, `ROUTINE "s"."f"(integer)`. */
export function grantObject(g: Grant): string {
  if (g.on.kind === 'schema') return `SCHEMA ${q(g.on.name.name)}`;
  const args = g.on.kind === 'routine' ? `(${g.on.arguments ?? ''})` : '';
  return `${KIND_WORD[g.on.kind]} ${qn(g.on.name)}${args}`;
}

const grantee = (g: Grant) => (g.grantee === 'public' ? 'PUBLIC' : q(g.grantee));
const privilege = (g: Grant) => `${g.privilege}${g.column === undefined ? '' : ` (${q(g.column)})`}`;

/**
 * `GRANT SELECT ON TABLE "s"."t" TO "reader" [WITH GRANT OPTION]`.
 *
 * @example
 * grantSql({ on: { kind: 'table', name: users }, grantee: 'reader', privilege: 'SELECT', grantable: false })
 */
export const grantSql = (g: Grant): string =>
  `GRANT ${privilege(g)} ON ${grantObject(g)} TO ${grantee(g)}${g.grantable ? ' WITH GRANT OPTION' : ''}`;

/** `REVOKE SELECT ON TABLE "s"."t" FROM "reader"`. */
export const revokeSql = (g: Grant): string =>
  `REVOKE ${privilege(g)} ON ${grantObject(g)} FROM ${grantee(g)}`;

/** A key that identifies one grant (its grant option apart). */
export const grantKey = (g: Grant): string =>
  [
    g.on.kind,
    g.on.name.schema,
    g.on.name.name,
    g.on.arguments ?? '',
    g.grantee,
    g.privilege,
    g.column ?? '',
  ].join('\u0000');
