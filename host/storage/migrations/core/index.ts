import type { Migration } from '../types.ts'
import { base } from './001_base.ts'

/** The `core` subsystem's migrations, in order. */
export const coreMigrations: Migration[] = [base]

/** Core tables holding entities with an `id` primary key: what a plugin's foreign keys may reference. */
export const coreEntityTables: readonly string[] = [
  'consumers',
  'plugins',
  'routes',
  'services',
  'workspaces',
]
