import { FormData, fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from './read-body.ts'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
})
afterAll(() => admin.close())

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('form bodies', () => {
  it("takes Kong's form syntax: arrays, nested keys, types from the schema", async () => {
    const service = await admin.call(
      'POST',
      '/services',
      'name=formed&host=formed.local&port=8080&retries=0',
      FORM,
    )
    expect(service.status).toBe(201)
    expect(service.body).toMatchObject({ port: 8080, retries: 0 })

    const body = [
      'name=form-route',
      'hosts[]=a.local',
      'hosts[]=b.local',
      'paths=/one',
      'methods[1]=GET',
      'methods[2]=POST',
      'headers.x-tenant=blue',
      'strip_path=false',
      'service.id=' + service.body.id,
    ].join('&')
    const route = await admin.call('POST', '/routes', body, FORM)
    expect(route.status).toBe(201)
    expect(route.body).toMatchObject({
      hosts: ['a.local', 'b.local'],
      paths: ['/one'],
      methods: ['GET', 'POST'],
      headers: { 'x-tenant': ['blue'] },
      strip_path: false,
      service: { id: service.body.id },
    })
  })

  it("types a plugin's config.* from that plugin's schema, on POST and PATCH", async () => {
    const plugin = await admin.call(
      'POST',
      '/plugins',
      'name=key-auth&config.key_names=token&config.hide_credentials=true',
      FORM,
    )
    expect(plugin.status).toBe(201)
    expect(plugin.body.config).toEqual({ key_names: ['token'], hide_credentials: true })
    const patched = await admin.call(
      'PATCH',
      `/plugins/${plugin.body.id}`,
      'config.key_names[1]=a&config.key_names[2]=b',
      FORM,
    )
    expect(patched.status).toBe(200)
    expect(patched.body.config).toEqual({ key_names: ['a', 'b'], hide_credentials: true })
  })

  it('reads multipart/form-data the same way', async () => {
    const form = new FormData()
    form.append('username', 'multi')
    form.append('tags[]', 'x')
    form.append('tags[]', 'y')
    const response = await fetch(`${admin.url}/consumers`, { method: 'POST', body: form })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ username: 'multi', tags: ['x', 'y'] })
  })
})

describe('bad bodies', () => {
  it('answers 400 Cannot parse JSON body for malformed or non-object JSON', async () => {
    const json = { 'content-type': 'application/json' }
    expect(await admin.call('POST', '/services', '{"name": ', json)).toMatchObject({
      status: 400,
      body: { message: 'Cannot parse JSON body' },
    })
    expect((await admin.call('POST', '/services', '[1,2]', json)).status).toBe(400)
  })

  it('answers 415 for a content type Kong does not read', async () => {
    const response = await admin.call('POST', '/services', 'name=x', { 'content-type': 'text/plain' })
    expect(response).toMatchObject({ status: 415, body: { message: 'Unsupported Media Type' } })
  })

  it('answers 413 to a chunked body just over 10 MiB and writes nothing', async () => {
    const head = new TextEncoder().encode('{"name":"huge","host":"huge.local","tags":["')
    const tail = new TextEncoder().encode('"]}')
    const total = MAX_BODY_BYTES + 1
    const filler = new Uint8Array(64 * 1024).fill(0x61)
    let sent = 0
    let chunks = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunks++
        if (sent === 0) {
          sent = head.length
          return controller.enqueue(head)
        }
        const left = total - tail.length - sent
        if (left <= 0 || chunks > 1000) {
          controller.enqueue(tail)
          return controller.close()
        }
        const piece = filler.subarray(0, Math.min(filler.length, left))
        sent += piece.length
        controller.enqueue(piece)
      },
    })
    const response = await fetch(`${admin.url}/services`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ message: 'Payload too large' })
    expect((await admin.call('GET', '/services/huge')).status).toBe(404)
  })

  it('answers 413 at once when Content-Length says too much', async () => {
    const response = await fetch(`${admin.url}/services`, {
      method: 'POST',
      body: 'x'.repeat(MAX_BODY_BYTES + 10),
      headers: { 'content-type': 'application/json' },
    })
    expect(response.status).toBe(413)
  })
})
