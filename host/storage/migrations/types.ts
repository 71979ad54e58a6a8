import type { Db } from '../storage.ts'

/** One schema change. `up` runs inside a transaction of its own, with the transaction's handle. */
export interface Migration {
  /** `NNN_description`, ordered by name within its subsystem. */
  name: string
  up(db: Db): Promise<void>
}

/** A set of migrations tracked together: `core`, then one per plugin that ships migrations. */
export interface MigrationSubsystem {
  name: string
  migrations: Migration[]
}

export interface SubsystemMigrations {
  subsystem: string
  executed: string[]
  pending: string[]
}

export type MigrationState = 'needs_bootstrap' | 'pending' | 'up_to_date'

export interface MigrationsStatus {
  /** `needs_bootstrap`: never bootstrapped; `pending`: some migrations not run yet. */
  state: MigrationState
  subsystems: SubsystemMigrations[]
}

export interface MigrationsRun {
  /** Migrations run by this call, in order, as `subsystem/name`. */
  executed: string[]
}
