import type { Migration } from '../types.ts'
import { base } from './001_base.ts'

/** The `core` subsystem's migrations, in order. */
export const coreMigrations: Migration[] = [base]
