export { dataMigrations, type MigrationData } from './data-migrations.ts'
