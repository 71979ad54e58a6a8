export { buildRouter } from './build-router.ts'
export { escapePath, normalizePath } from './normalize.ts'
export { httpsRedirectStatus } from './protocols.ts'
export type { RouteMatch, RouteRequest, Router, SkippedRoute } from './types.ts'
