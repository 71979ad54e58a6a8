export { type Budget, budgets, budgetsSection, P99_BUDGET_LOAD } from './budgets.ts'
export { CHARTS, latencyChart, renderCharts, requestsChart } from './charts.ts'
export { crossingSection, type NoopCrossing } from './crossing.ts'
export { type BenchSettings, describeMachine, type Machine } from './machine.ts'
export { type Extras, renderMarkdown } from './markdown.ts'
export { IDLE_ISOLATE_BUDGET_MB, type IdleIsolates, idleIsolatesSection } from './micro.ts'
export { NOISY_TARGET, type NoisyNeighbour, noisySection } from './noisy.ts'
export {
  BARE_PROXY,
  type Comparison,
  compare,
  IN_PROCESS,
  isIsolatedChain,
  isPluginRow,
  NO_PLUGINS,
  PLUGIN_SERVER,
  UPSTREAM,
} from './ratios.ts'
export { type PluginCosts, pluginCosts, type SeriesPoint, seriesSection } from './series.ts'
export { type SpreadPoint, spreadSection } from './spread.ts'
export {
  cpuPerRequest,
  type FixedLoad,
  type FixedRate,
  type Row,
  type Summary,
  summarize,
  toFixedRate,
} from './summarize.ts'
export { writeReport } from './write.ts'
