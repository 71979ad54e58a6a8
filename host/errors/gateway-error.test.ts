import { describe, expect, it } from 'vitest'
import { GatewayError, isGatewayError, toKongBody } from './index.ts'

describe('GatewayError', () => {
  it("maps a string code to Kong's numeric code, name and HTTP status", () => {
    const error = new GatewayError('UNIQUE_VIOLATION', 'UNIQUE violation detected on \'{name="a"}\'', {
      name: 'a',
    })
    expect(error.status).toBe(409)
    expect(toKongBody(error)).toEqual({
      code: 5,
      name: 'unique constraint violation',
      message: 'UNIQUE violation detected on \'{name="a"}\'',
      fields: { name: 'a' },
    })
  })

  it('is recognised without instanceof', () => {
    const copy = { ...new GatewayError('NOT_FOUND', 'x'), name: 'GatewayError', code: 'NOT_FOUND' }
    expect(isGatewayError(copy)).toBe(true)
    expect(isGatewayError(new Error('x'))).toBe(false)
    expect(isGatewayError({ name: 'GatewayError', code: 'NOPE' })).toBe(false)
  })
})
