import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_FORM_FIELDS, MAX_NESTING } from './form.ts'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
})
afterAll(() => admin.close())

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`)

describe('bounded Admin API bodies', () => {
  it("answers Kong's field error for 200,000 and 20,000 tags, not a 500", async () => {
    for (const count of [200_000, 20_000]) {
      const answer = await admin.call('POST', '/services', { host: 'a.local', tags: names(count) })
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual({
        code: 2,
        name: 'schema violation',
        message: 'schema violation (tags: length must be at most 1000)',
        fields: { tags: 'length must be at most 1000' },
      })
    }
  })

  it(`refuses JSON nested deeper than ${MAX_NESTING} levels with Kong's parse error`, async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
    const body = `{"host":"a.local","tags":${deep(100_000)}}`
    const answer = await admin.call('POST', '/services', body, JSON_TYPE)
    expect(answer).toMatchObject({ status: 400, body: { message: 'Cannot parse JSON body' } })
    // Within the depth, the DAO judges it as usual.
    const shallow = await admin.call('POST', '/services', `{"host":"a.local","tags":${deep(10)}}`, JSON_TYPE)
    expect(shallow.status).toBe(400)
    expect(shallow.body.fields.tags).toEqual(['expected a string'])
  })

  it(`takes at most ${MAX_FORM_FIELDS} form fields`, async () => {
    const tags = (n: number) => names(n).map((tag) => `tags=${tag}`)
    const many = await admin.call('POST', '/services', ['host=a.local', ...tags(20_000)].join('&'), FORM)
    expect(many).toMatchObject({ status: 400, body: { message: 'Too many form fields (at most 1000)' } })
    const fits = await admin.call('POST', '/services', ['host=a.local', ...tags(999)].join('&'), FORM)
    expect(fits.status).toBe(201)
    expect(fits.body.tags).toEqual(names(999))
  })

  it('builds form arrays from their indexes, whatever the index, and refuses deep nesting', async () => {
    const sparse = await admin.call(
      'POST',
      '/services',
      'host=a.local&tags[100000000]=c&tags[5]=b&tags[]=d&tags[1]=a',
      FORM,
    )
    expect(sparse.status).toBe(201)
    expect(sparse.body.tags).toEqual(['a', 'b', 'c', 'd'])
    const deep = await admin.call('POST', '/services', `host=a.local&tags${'[]'.repeat(20_000)}=x`, FORM)
    expect(deep).toMatchObject({
      status: 400,
      body: { message: 'Cannot parse form body: nested too deeply' },
    })
  })
})
