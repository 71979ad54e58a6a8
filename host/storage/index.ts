export { coreEntityTables, coreMigrations } from './migrations/core/index.ts'
export { dataMigrations, type MigrationData } from './migrations/data/index.ts'
export { migrationsBootstrap, migrationsList, migrationsStatus, migrationsUp } from './migrations/runner.ts'
export type {
  Migration,
  MigrationState,
  MigrationSubsystem,
  MigrationsRun,
  MigrationsStatus,
  SubsystemMigrations,
} from './migrations/types.ts'
export { type Db, openStorage, type Storage, type StorageOptions } from './storage.ts'
