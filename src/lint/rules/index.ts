/**
 * The one list of lint rules. A rule's id is its file name and its docs page `docs/rules/<id>.md`;
 * adding a rule means adding its file and one line here.
 */

import type { Rule } from '../rule.js';
import { addingExclusionConstraint } from './adding-exclusion-constraint.js';
import { addingFieldWithDefault } from './adding-field-with-default.js';
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint.js';
import { addingNotNullableField } from './adding-not-nullable-field.js';
import { addingRequiredField } from './adding-required-field.js';
import { addingSerialPrimaryKeyField } from './adding-serial-primary-key-field.js';
import { backfillWhileLocked } from './backfill-while-locked.js';
import { banAlterDomainWithAddConstraint } from './ban-alter-domain-with-add-constraint.js';
import { banCharField } from './ban-char-field.js';
import { banConcurrentIndexCreationInTransaction } from './ban-concurrent-index-creation-in-transaction.js';
import { banCreateDomainWithConstraint } from './ban-create-domain-with-constraint.js';
import { banDropColumn } from './ban-drop-column.js';
import { banDropDatabase } from './ban-drop-database.js';
import { banDropDefault } from './ban-drop-default.js';
import { banDropDomain } from './ban-drop-domain.js';
import { banDropExtension } from './ban-drop-extension.js';
import { banDropFunction } from './ban-drop-function.js';
import { banDropGeneratedExpression } from './ban-drop-generated-expression.js';
import { banDropNotNull } from './ban-drop-not-null.js';
import { banDropSchema } from './ban-drop-schema.js';
import { banDropSequence } from './ban-drop-sequence.js';
import { banDropTable } from './ban-drop-table.js';
import { banDropType } from './ban-drop-type.js';
import { banDropView } from './ban-drop-view.js';
import { banDuplicateColumnAssignments } from './ban-duplicate-column-assignments.js';
import { banSetSchema } from './ban-set-schema.js';
import { banTruncateCascade } from './ban-truncate-cascade.js';
import { banUncommittedTransaction } from './ban-uncommitted-transaction.js';
import { changingColumnType } from './changing-column-type.js';
import { constraintMissingNotValid } from './constraint-missing-not-valid.js';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint.js';
import { identifierTooLong } from './identifier-too-long.js';
import { ignoreMissingReason } from './ignore-missing-reason.js';
import { ignoreUnknownRule } from './ignore-unknown-rule.js';
import { indexTooManyColumns } from './index-too-many-columns.js';
import { nonTransactionalStatementInTransaction } from './non-transactional-statement-in-transaction.js';
import { preferBigintOverInt } from './prefer-bigint-over-int.js';
import { preferBigintOverSmallint } from './prefer-bigint-over-smallint.js';
import { preferIdentity } from './prefer-identity.js';
import { preferJsonb } from './prefer-jsonb.js';
import { preferRepack } from './prefer-repack.js';
import { preferRobustStmts } from './prefer-robust-stmts.js';
import { preferTextField } from './prefer-text-field.js';
import { preferTimestampTz } from './prefer-timestamp-tz.js';
import { renamingColumn } from './renaming-column.js';
import { renamingObject } from './renaming-object.js';
import { renamingTable } from './renaming-table.js';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.js';
import { requireConcurrentPartitionDetach } from './require-concurrent-partition-detach.js';
import { requireConcurrentReindex } from './require-concurrent-reindex.js';
import { requireEnumValueOrdering } from './require-enum-value-ordering.js';
import { requireLockTimeout } from './require-lock-timeout.js';
import { requireStatementTimeout } from './require-statement-timeout.js';
import { syntaxError } from './syntax-error.js';
import { transactionNesting } from './transaction-nesting.js';
import { unusedIgnore } from './unused-ignore.js';

/**
 * Every rule, in id order.
 *
 * @example
 * RULES.filter((r) => !r.defaultOff).map((r) => r.id)
 */
export const RULES: readonly Rule[] = [
  addingExclusionConstraint,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  addingNotNullableField,
  addingRequiredField,
  addingSerialPrimaryKeyField,
  backfillWhileLocked,
  banAlterDomainWithAddConstraint,
  banCharField,
  banConcurrentIndexCreationInTransaction,
  banCreateDomainWithConstraint,
  banDropColumn,
  banDropDatabase,
  banDropDefault,
  banDropDomain,
  banDropExtension,
  banDropFunction,
  banDropGeneratedExpression,
  banDropNotNull,
  banDropSchema,
  banDropSequence,
  banDropTable,
  banDropType,
  banDropView,
  banDuplicateColumnAssignments,
  banSetSchema,
  banTruncateCascade,
  banUncommittedTransaction,
  changingColumnType,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  identifierTooLong,
  ignoreMissingReason,
  ignoreUnknownRule,
  indexTooManyColumns,
  nonTransactionalStatementInTransaction,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferJsonb,
  preferRepack,
  preferRobustStmts,
  preferTextField,
  preferTimestampTz,
  renamingColumn,
  renamingObject,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  requireEnumValueOrdering,
  requireLockTimeout,
  requireStatementTimeout,
  syntaxError,
  transactionNesting,
  unusedIgnore,
];

/** squawk spellings accepted in configuration and ignore comments. */
export const RULE_ALIASES: Readonly<Record<string, string>> = {
  'prefer-timestamptz': 'prefer-timestamp-tz',
  'adding-not-null-field': 'adding-not-nullable-field',
};

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/**
 * A rule by id or alias.
 *
 * @example
 * ruleById('prefer-timestamptz')?.id // 'prefer-timestamp-tz'
 */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(RULE_ALIASES[id] ?? id);
}
