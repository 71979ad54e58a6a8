import type { IoRequest, ParsedResult } from '../protocol.ts'
import { BRIDGE_LIMITS } from './bridge-limits.ts'
import type { BridgeRule } from './bridge-violation.ts'
import {
  array,
  base64,
  body,
  bool,
  fail,
  headerMap,
  integer,
  type Json,
  record,
  status,
  text,
} from './validate-fields.ts'

const IO_OPS: ReadonlySet<string> = new Set<IoRequest['op']>([
  'request.getRawBody',
  'service.response.getRawBody',
  'db',
  'cache.get',
  'cache.set',
  'cache.release',
  'cache.invalidate',
  'cache.probe',
  'crypto',
])
/** kong.log levels (Kong's nginx levels). */
const LOG_LEVELS: ReadonlySet<string> = new Set([
  'debug',
  'info',
  'notice',
  'warn',
  'err',
  'crit',
  'alert',
  'emerg',
])
const OUTCOME_STATUSES: ReadonlySet<string> = new Set(['ok', 'exit', 'error'])

/**
 * Parses one isolate answer (the JSON text of a PhaseResult) and checks its envelope before anyone
 * uses it; its operations (`mutations`, at most BRIDGE_LIMITS.mutations) are checked one by one as
 * the host applies them (host/chain/apply-mutations.ts), in one pass. `seq` is the sequence number
 * of the crossing it answers. Throws BridgeViolation, also for an answer carrying the prelude's
 * `fault` (so a returned result never has one).
 */
export function parseResult(raw: string, seq: number): ParsedResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    fail('json', 'result', 'is not JSON')
  }
  const result = record(parsed, 'result')
  if (result['seq'] !== seq) fail('seq', 'result.seq', `must echo the call's seq ${seq}`)
  // Fail closed: a call the prelude could not process ran nothing, and must not pass for one that ran.
  if (result['fault'] !== undefined) {
    fail(
      'fault',
      'fault',
      `the prelude could not process the message: ${text(result['fault'], 'fault', 1000)}`,
    )
  }
  if (result['quota'] !== undefined) refuseQuota(result['quota'])
  validatePending(result)
  const outcomes = array(result['outcomes'], 'outcomes', BRIDGE_LIMITS.outcomes, 'outcome')
  let logLines = 0
  outcomes.forEach((outcome, i) => {
    logLines += validateOutcome(outcome, `outcomes[${i}]`)
  })
  if (logLines > BRIDGE_LIMITS.logLines) {
    fail('log_count', 'outcomes[].logs', `has ${logLines} lines, more than ${BRIDGE_LIMITS.logLines}`)
  }
  array(result['mutations'], 'mutations', BRIDGE_LIMITS.mutations, 'mutation_count')
  if (result['exit'] !== undefined) validateExit(result['exit'])
  if (result['shared'] !== undefined) record(result['shared'], 'shared')
  if (result['chunk'] !== undefined) base64(body(result['chunk'], false, 'chunk'), 'chunk')
  return result as unknown as ParsedResult
}

function validatePending(result: Json): void {
  if (result['pending'] === undefined) {
    if (result['io'] !== undefined) fail('io', 'io', 'is only allowed with pending')
    return
  }
  integer(result['pending'], 'pending', 0, Number.MAX_SAFE_INTEGER, 'shape')
  if (result['io'] === undefined) return
  const ids = new Set<number>()
  array(result['io'], 'io', BRIDGE_LIMITS.ioRequests, 'io').forEach((value, i) => {
    const request = record(value, `io[${i}]`)
    const id = integer(request['id'], `io[${i}].id`, 0, Number.MAX_SAFE_INTEGER, 'io')
    if (ids.has(id)) fail('io', `io[${i}].id`, 'repeats an id')
    ids.add(id)
    const op = text(request['op'], `io[${i}].op`, 64, 'io')
    if (!IO_OPS.has(op)) fail('io', `io[${i}].op`, 'is not a known I/O operation')
    array(request['args'], `io[${i}].args`, BRIDGE_LIMITS.ioArgs, 'io')
    if (request['plugin'] !== undefined) text(request['plugin'], `io[${i}].plugin`, 256, 'io')
  })
}

/** Bridge rules the prelude may report as a refused value (PhaseResult.quota). */
const QUOTA_RULES: ReadonlySet<string> = new Set<BridgeRule>([
  'body_size',
  'header_size',
  'text_size',
  'log_size',
  'result_size',
])

/** The prelude refused a value over a cap: fail as that rule's violation (the numbers are the prelude's). */
function refuseQuota(value: unknown): never {
  const quota = record(value, 'quota')
  const rule = text(quota['rule'], 'quota.rule', 32, 'shape')
  if (!QUOTA_RULES.has(rule)) fail('shape', 'quota.rule', 'is not a bridge quota')
  const where = text(quota['where'], 'quota.where', 256, 'shape')
  const length = integer(quota['length'], 'quota.length', 0, Number.MAX_SAFE_INTEGER, 'shape')
  const max = integer(quota['max'], 'quota.max', 0, Number.MAX_SAFE_INTEGER, 'shape')
  fail(rule as BridgeRule, where, `is ${length} characters, more than ${max} (refused in the isolate)`)
}

/** Returns the number of log lines. */
function validateOutcome(value: unknown, where: string): number {
  const outcome = record(value, where)
  text(outcome['plugin'], `${where}.plugin`, 256, 'outcome')
  text(outcome['config'], `${where}.config`, 256, 'outcome')
  const state = text(outcome['status'], `${where}.status`, 16, 'shape')
  if (!OUTCOME_STATUSES.has(state)) fail('shape', `${where}.status`, 'must be ok, exit or error')
  if (outcome['error'] !== undefined) {
    const error = record(outcome['error'], `${where}.error`)
    text(error['message'], `${where}.error.message`, BRIDGE_LIMITS.textChars)
    if (error['stack'] !== null) text(error['stack'], `${where}.error.stack`, BRIDGE_LIMITS.textChars)
  }
  if (outcome['egress'] !== undefined) text(outcome['egress'], `${where}.egress`, 300, 'outcome')
  if (outcome['logs'] === undefined) return 0
  const logs = array(outcome['logs'], `${where}.logs`, BRIDGE_LIMITS.logLines, 'log_count')
  logs.forEach((line, i) => {
    const log = record(line, `${where}.logs[${i}]`)
    const level = text(log['level'], `${where}.logs[${i}].level`, 16, 'shape')
    if (!LOG_LEVELS.has(level)) fail('shape', `${where}.logs[${i}].level`, 'is not a kong.log level')
    text(log['message'], `${where}.logs[${i}].message`, BRIDGE_LIMITS.logChars, 'log_size')
  })
  return logs.length
}

function validateExit(value: unknown): void {
  const exit = record(value, 'exit')
  status(exit['status'], 'exit.status')
  const isBase64 = bool(exit['base64'], 'exit.base64')
  if (exit['body'] !== null) body(exit['body'], isBase64, 'exit.body')
  if (exit['headers'] !== null) headerMap(exit['headers'], 'exit.headers')
}
