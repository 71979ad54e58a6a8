import { describe, expect, it } from 'vitest'
import type { FieldDefinition } from '../entities/index.ts'
import { decodeForm } from './form.ts'
import { inferRecord } from './infer.ts'

const form = (query: string) => decodeForm(new URLSearchParams(query))

describe("Kong's form syntax", () => {
  it('nests dotted keys and collects arrays from [], [n] and repeated keys', () => {
    expect(
      form('name=a&hosts[]=x&hosts[]=y&paths=/a&paths=/b&config.key_names[2]=k2&config.key_names[1]=k1'),
    ).toEqual({
      name: 'a',
      hosts: ['x', 'y'],
      paths: ['/a', '/b'],
      config: { key_names: ['k1', 'k2'] },
    })
  })

  it('keeps map keys containing dashes and drops holes left by sparse indexes', () => {
    expect(form('headers.x-a=1&headers.x-b[]=2&list[3]=c')).toEqual({
      headers: { 'x-a': '1', 'x-b': ['2'] },
      list: ['c'],
    })
  })

  it('keeps __proto__ an ordinary key instead of touching the prototype', () => {
    const value = form('__proto__.polluted=yes&a.__proto__=x')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.keys(value)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
  })
})

describe('typing form values from the schema', () => {
  const fields: FieldDefinition[] = [
    { port: { type: 'integer' } },
    { strip_path: { type: 'boolean' } },
    { hosts: { type: 'array', elements: { type: 'string' } } },
    {
      headers: {
        type: 'map',
        keys: { type: 'string' },
        values: { type: 'array', elements: { type: 'string' } },
      },
    },
    { name: { type: 'string' } },
    { config: { type: 'record', fields: [{ minute: { type: 'number' } }, { hide: { type: 'boolean' } }] } },
  ]

  it('parses numbers and booleans, wraps lone array values, maps "" to null', () => {
    const value = inferRecord(
      form('port=8080&strip_path=false&hosts=a.com&headers.x-a=v&name=&config.minute=1.5&config.hide=true'),
      fields,
    )
    expect(value).toEqual({
      port: 8080,
      strip_path: false,
      hosts: ['a.com'],
      headers: { 'x-a': ['v'] },
      name: null,
      config: { minute: 1.5, hide: true },
    })
  })

  it('leaves what does not fit as a string for the DAO to reject, and unknown fields alone', () => {
    expect(inferRecord(form('port=80x&strip_path=yes&extra=1'), fields)).toEqual({
      port: '80x',
      strip_path: 'yes',
      extra: '1',
    })
  })
})
