export { createMetrics, type MetricSources } from './metrics.ts'
export { createStatusApp, type StatusDeps } from './status-app.ts'
