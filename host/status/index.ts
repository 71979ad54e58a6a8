export { createMetrics, type MetricSources, type PhaseCallSource } from './metrics.ts'
export { createStatusApp, type StatusDeps } from './status-app.ts'
