import { describe, expect, it } from 'vitest'
import { chargeLogLine, LOG_BYTES_PER_REQUEST } from './log-budget.ts'

describe('kong.log budget per request', () => {
  it('logs lines up to the budget in UTF-8 bytes, then reports the first drop once', () => {
    const request = {}
    const line = 'é'.repeat(512) // 1 KiB in UTF-8, 512 characters
    const charged: string[] = []
    for (let i = 0; i < LOG_BYTES_PER_REQUEST / 1024 + 3; i++) charged.push(chargeLogLine(request, line))
    expect(charged.filter((c) => c === 'log')).toHaveLength(LOG_BYTES_PER_REQUEST / 1024)
    expect(charged.slice(LOG_BYTES_PER_REQUEST / 1024)).toEqual(['first-drop', 'drop', 'drop'])
    // Once over, even a short line is dropped: the request's log stays a prefix of what it said.
    expect(chargeLogLine(request, 'x')).toBe('drop')
  })

  it('keeps one budget per request', () => {
    const first = {}
    expect(chargeLogLine(first, 'x'.repeat(LOG_BYTES_PER_REQUEST + 1))).toBe('first-drop')
    expect(chargeLogLine({}, 'short')).toBe('log')
  })
})
