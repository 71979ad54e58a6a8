import type { IsolateHandle } from '../../runtime/isolate/index.ts'
import type { ParsedResult } from '../../runtime/protocol.ts'

/**
 * Sends a plugin's configs to an isolate (Kong's `configure`), when they changed since the last
 * time. Returns the configure's last answer (its `phases` unchecked: LearnedPhases checks them),
 * null when nothing was sent.
 */
export function configureIfChanged(
  isolate: IsolateHandle,
  sent: Map<string, object>,
  plugin: string,
  configs: Readonly<Record<string, Record<string, unknown>>>,
  timeoutMs: number,
): ParsedResult | null {
  if (sent.get(plugin) === configs) return null
  let result = isolate.dispatch({ kind: 'configure', seq: 0, plugin, configs: { ...configs } }, timeoutMs)
  // An async configure without host I/O is done once the isolate's microtasks ran (one resume).
  for (let i = 0; i < 3 && result.pending !== undefined; i++) {
    result = isolate.dispatch({ kind: 'resume', seq: 0, pending: result.pending, io: [] }, timeoutMs)
  }
  sent.set(plugin, configs)
  return result
}
