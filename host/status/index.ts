export { createMetrics, type MetricSources, type TimingSource } from './metrics.ts'
export { createStatusApp, type StatusDeps } from './status-app.ts'
