import { describe, expect, it } from 'vitest'
import type { EntitySchema } from '../entities/index.ts'
import { checkApi } from './check-api.ts'

const daos = [{ name: 'acls', adminApiName: 'acls', adminApiNestedName: 'acls' }] as EntitySchema[]
const refusal = (path: string, methods = ['GET']): string => {
  try {
    checkApi('acl', [{ path, methods }], daos)
  } catch (error) {
    return (error as Error).message.replace("error loading plugin schemas: on plugin 'acl': api.ts: ", '')
  }
  throw new Error('expected a refusal')
}

describe('checkApi', () => {
  it("keeps routes that name the plugin's own collections or its name", () => {
    const routes = [
      { path: '/consumers/:consumers/acls/:group', methods: ['GET', 'DELETE'] },
      { path: '/acl/stats', methods: ['GET'] },
    ]
    expect(checkApi('acl', routes, daos)).toEqual(routes)
    expect(checkApi('acl', null, daos)).toBeNull()
  })

  it("refuses routes that could take over the gateway's endpoints, odd paths and methods", () => {
    expect(refusal('/consumers/:consumers')).toBe(
      "/consumers/:consumers: the path must name one of the plugin's own collections (acl, acls)",
    )
    expect(refusal('/services')).toMatch(/^\/services: the path must name/)
    expect(refusal('acls')).toBe('acls: a path is /segment/:param/... in lower case')
    expect(refusal('/acls/*')).toBe('/acls/*: a path is /segment/:param/... in lower case')
    expect(refusal('/acls', ['GET', 'TRACE'])).toBe(
      '/acls: unknown method TRACE (use GET, POST, PUT, PATCH, DELETE)',
    )
  })
})
