export type { ChainOptions } from './chain-options.ts'
export {
  callIsolate,
  configureIfChanged,
  type FailureReason,
  type IsolateSession,
  type PhaseFailure,
} from './phase-call.ts'
export { type ExitResponse, RequestModel } from './request-model.ts'
export { WorkerPlugins } from './worker-plugins.ts'
