import type { Db } from '../../storage/index.ts'
import type { FieldErrorMap } from '../validate/field-errors.ts'

type Row = Record<string, unknown>

/** Entity-specific behaviour plugged into the generic DAO (Kong's custom DAOs and subschemas). */
export interface EntityHooks {
  /** Rewrites raw input first (shorthands such as a service's `url`); returns errors to report. */
  expand?(input: Row): FieldErrorMap | null
  /** Defaults that win over the schema's own (subschema defaults), on insert and upsert input. */
  defaults?(entity: Row): void
  /** Validation beyond the schema on the complete entity; returns the errors to report (may replace them). */
  validate?(entity: Row, errors: FieldErrorMap): FieldErrorMap
  /** Checks that need the database, inside the write transaction, after validation passed. */
  beforeWrite?(db: Db, ws: string, entity: Row, existing: Row | null): Promise<void>
  /** Refuses a delete (throws) before delete rules run. */
  beforeDelete?(db: Db, entity: Row): Promise<void>
}
