import { describe, expect, it } from 'vitest'
import { requestState } from '../../runtime/prelude/index.ts'
import { BASE_SEPARATOR } from '../../runtime/protocol.ts'
import { requestText } from './request-text.ts'

describe('requestText', () => {
  it('is the scalars as JSON, then the raw header lines as received', () => {
    const text = requestText(requestState({ id: 'r1' }), [
      'Host',
      'a.example',
      'X-Multi',
      '1',
      'x-multi',
      '2',
    ])
    expect(text).not.toBeNull()
    const [scalars, lines] = (text as string).split(BASE_SEPARATOR)
    expect(JSON.parse(scalars as string)).toMatchObject({ id: 'r1', method: 'GET', path: '/v1/movies' })
    // Route, service, consumer and headers are not in the text: they travel in the call's delta.
    expect(Object.keys(JSON.parse(scalars as string))).not.toContain('route')
    expect(lines).toBe('Host\na.example\nX-Multi\n1\nx-multi\n2')
  })

  it('refuses header values holding a line feed (the state then goes whole as JSON)', () => {
    expect(requestText(requestState(), ['X-Bad', 'one\ntwo'])).toBeNull()
  })
})
