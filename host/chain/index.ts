export type { ChainOptions } from './chain-options.ts'
export { performCrypto } from './crypto-io.ts'
export { errorAnswer, withPending } from './gateway-answers.ts'
export {
  callIsolate,
  configureIfChanged,
  type FailureReason,
  type IsolateSession,
  type PhaseFailure,
} from './phase-call.ts'
export { PluginQuarantine, type QuarantineEntry, type StrikeReport } from './quarantine.ts'
export { type ExitResponse, RequestModel } from './request-model.ts'
export { BUILD_SAMPLES, PHASE_SAMPLES, TimingRing, type TimingStats } from './timing-ring.ts'
export { WorkerPlugins } from './worker-plugins.ts'
