export { createAdminApp } from './app.ts'
export type { AdminDeps, AdminLogger, NodeInfo } from './deps.ts'
export { MAX_BODY_BYTES } from './read-body.ts'
