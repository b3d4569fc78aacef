/**
 * The one error class of the backfill engine. `code` tells callers (the runner, the CLI) what
 * happened without parsing messages.
 */
import { type ErrorDetails, SluiceError } from '../../errors.js';

/** Stable codes of {@link BackfillError}. */
export type BackfillErrorCode =
  /** The spec is malformed, names a missing table/column, or its SQL does not compile. Exit 2. */
  | 'backfill-invalid-spec'
  /** The table has no primary key to walk. Exit 2. */
  | 'backfill-no-primary-key'
  /** A checkpoint with this id exists for a different spec. Exit 2. */
  | 'backfill-spec-mismatch'
  /** The connection is inside a transaction block: batches could not commit one by one. Exit 2. */
  | 'backfill-in-transaction'
  /** Stopped by the caller's AbortSignal; the checkpoint is kept. Exit 1. */
  | 'backfill-aborted'
  /** A batch failed (after retries when the failure was transient). Exit 1. */
  | 'backfill-failed';

/**
 * A backfill could not start, was stopped, or failed. `details.backfill` is the backfill id.
 *
 * @example
 * try { await runBackfill(conn, spec); } catch (e) { if (e instanceof BackfillError && e.code === 'backfill-aborted') … }
 */
export class BackfillError extends SluiceError {
  declare readonly code: BackfillErrorCode;

  constructor(
    code: BackfillErrorCode,
    message: string,
    options: { cause?: unknown; details?: ErrorDetails } = {},
  ) {
    super(code, message, options);
  }
}
