export type { ChainOptions } from './chain-options.ts'
export type { ChainRuntime } from './chain-runtime.ts'
export { configureIfChanged } from './configure-isolate.ts'
export { performCrypto } from './crypto-io.ts'
export { errorAnswer, withPending } from './gateway-answers.ts'
export {
  callIsolate,
  type FailureReason,
  type IsolateSession,
  type PhaseFailure,
} from './phase-call.ts'
export { type ChainFlags, LearnedPhases, type PhaseWarning } from './phase-needs.ts'
export { PluginQuarantine, type QuarantineEntry, type StrikeReport } from './quarantine.ts'
export { type ExitResponse, RequestModel } from './request-model.ts'
export { requestText } from './request-text.ts'
export { BUILD_SAMPLES, PHASE_SAMPLES, TimingRing, type TimingStats } from './timing-ring.ts'
export { WorkerPlugins } from './worker-plugins.ts'
