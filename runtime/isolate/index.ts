export { BRIDGE_LIMITS } from './bridge-limits.ts'
export { type BridgeRule, BridgeViolation, isBridgeViolation, isQuota } from './bridge-violation.ts'
export { createPluginIsolate, type PluginIsolateOptions } from './create-plugin-isolate.ts'
export { bundleFilename, HARDEN_SOURCE } from './gate-source.ts'
export { IoRefused } from './io-refused.ts'
export {
  IsolateError,
  type IsolateErrorCode,
  isIsolateError,
  isLimitExceeded,
  type LimitCode,
  LimitExceeded,
} from './isolate-error.ts'
export type { HeapUse, IsolateFactory, IsolateHandle } from './isolate-handle.ts'
export { type IsolateLease, IsolatePool, type IsolatePoolOptions } from './isolate-pool.ts'
export { mapStack } from './map-stack.ts'
export type { PluginIsolate } from './plugin-isolate.ts'
export { type IoHandler, type PhaseBudget, type PhaseRun, runPhase, startPhase } from './run-phase.ts'
export {
  body,
  bool,
  fail,
  headerName,
  headerNames,
  headerValues,
  integer,
  isRecord,
  type Json,
  record,
  settableName,
  status,
  text,
  under,
  urlPart,
} from './validate-fields.ts'
export { parseResult } from './validate-result.ts'
export { type CrossingWatchdog, startCrossingWatchdog, type WatchdogOptions } from './watchdog.ts'
