import { describe, expect, it } from 'vitest'
import { isGatewayError } from '../errors/index.ts'
import { listBody, pageOptions } from './paging.ts'

const options = (query: string) => pageOptions(new URLSearchParams(query))

function errorOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe('page options', () => {
  it("reads size, offset and Kong's tag filters", () => {
    expect(options('size=2&offset=abc&tags=a,b')).toEqual({
      size: 2,
      offset: 'abc',
      tags: ['a', 'b'],
      tagsMode: 'and',
    })
    expect(options('tags=a/b')).toEqual({ tags: ['a', 'b'], tagsMode: 'or' })
    expect(options('tags=solo')).toEqual({ tags: ['solo'], tagsMode: 'and' })
  })

  it('rejects a size that is not a number and a mixed tag filter', () => {
    const size = errorOf(() => options('size=ten'))
    expect(isGatewayError(size) && size.code).toBe('INVALID_SIZE')
    const tags = errorOf(() => options('tags=a,b/c'))
    expect(isGatewayError(tags) && tags.message).toBe('invalid option (tags: invalid filter syntax)')
  })

  it('links the next page with the same size and tags, and ends with next: null', () => {
    const query = new URLSearchParams('size=2&tags=a,b')
    expect(listBody({ data: [1, 2], offset: 'o+/=' }, '/ws/services', query)).toEqual({
      data: [1, 2],
      offset: 'o+/=',
      next: '/ws/services?offset=o%2B%2F%3D&size=2&tags=a%2Cb',
    })
    expect(listBody({ data: [], offset: null }, '/services', query)).toEqual({ data: [], next: null })
  })
})
