/**
 * kong.log bytes per request: every phase and isolate of one request together may log
 * LOG_BYTES_PER_REQUEST bytes of message text (UTF-8); past it, lines are dropped and one warning
 * says so. A tenant's plugin cannot flood the node's log (each isolate answer is capped on its own,
 * but a request makes many). Keyed by the request's model, so nothing outlives the request.
 */
export const LOG_BYTES_PER_REQUEST = 64 * 1024

interface Budget {
  used: number
  dropped: boolean
}

const budgets = new WeakMap<object, Budget>()

/**
 * Charges one line to the request: 'log' when it fits, 'drop' past the budget, and 'first-drop'
 * for the first line dropped (the caller logs the one warning then).
 */
export function chargeLogLine(request: object, message: string): 'log' | 'drop' | 'first-drop' {
  let budget = budgets.get(request)
  if (budget === undefined) {
    budget = { used: 0, dropped: false }
    budgets.set(request, budget)
  }
  if (!budget.dropped) {
    const bytes = Buffer.byteLength(message, 'utf8')
    if (budget.used + bytes <= LOG_BYTES_PER_REQUEST) {
      budget.used += bytes
      return 'log'
    }
    budget.dropped = true
    return 'first-drop'
  }
  return 'drop'
}
