import { describe, expect, it } from 'vitest'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { PluginEntity } from '../entities/index.ts'
import type { CatalogPlugin, ChainEntry, RouteChain } from '../plugins/index.ts'
import { LearnedPhases } from './phase-needs.ts'

const plugin = (name: string, phases: PhaseName[]) => ({ name, phases }) as unknown as CatalogPlugin
const instance = (id: string) => ({ id, config: { id } }) as unknown as PluginEntity
const entry = (p: CatalogPlugin, i: PluginEntity): ChainEntry => ({ plugin: p, instance: i })

const filters = plugin('filters', ['configure', 'access', 'headerFilter', 'bodyFilter', 'log'])

describe('LearnedPhases', () => {
  it('needs every handler phase until an answer is learned, then only the declared ones', () => {
    const phases = new LearnedPhases()
    const a = instance('a')
    expect(phases.needs(entry(filters, a), 'headerFilter')).toBe(true)
    expect(phases.needs(entry(filters, a), 'response')).toBe(false)
    expect(phases.learn(filters, { a: a.config }, { a: ['access'] })).toBeNull()
    expect(phases.needs(entry(filters, a), 'access')).toBe(true)
    expect(phases.needs(entry(filters, a), 'headerFilter')).toBe(false)
    expect(phases.needs(entry(filters, a), 'log')).toBe(false)
    // configure and initWorker are not request phases: never masked
    expect(phases.needs(entry(filters, a), 'configure')).toBe(true)
  })

  it('takes a handler without phases (no answer) as needing all its phases, without a warning', () => {
    const phases = new LearnedPhases()
    const a = instance('a')
    expect(phases.learn(filters, { a: a.config }, { a: ['access'] })).toBeNull()
    expect(phases.learn(filters, { a: a.config }, undefined)).toBeNull()
    expect(phases.needs(entry(filters, a), 'headerFilter')).toBe(true)
  })

  it('refuses each malformed answer with its reason, falling back to every handler phase', () => {
    const phases = new LearnedPhases()
    const cases: Record<string, [unknown, RegExp]> = {
      unknown: [['access', 'teleport'], /"teleport" is not a request phase/],
      phaseless: [['access', 'configure'], /"configure" is not a request phase/],
      missing: [['access', 'response'], /the handler has no response method/],
      text: ['phases(config) threw: boom', /boom/],
      number: [[1], /a number is not a request phase/],
      many: [Array(17).fill('access'), /17 names, more than 16/],
      object: [{ access: true }, /no list of phase names/],
    }
    const configs = Object.fromEntries(Object.keys(cases).map((id) => [id, instance(id).config]))
    const answer = Object.fromEntries(Object.entries(cases).map(([id, [value]]) => [id, value]))
    const warning = phases.learn(filters, configs, answer)
    expect(warning?.count).toBe(7)
    expect(warning?.refused).toHaveLength(5)
    for (const { config, detail } of warning?.refused ?? []) expect(detail).toMatch(cases[config]![1])
    for (const config of Object.values(configs)) {
      const e = entry(filters, { config } as unknown as PluginEntity)
      expect(phases.needs(e, 'headerFilter')).toBe(true)
    }
  })

  it('refuses an answer that is not an object for every configuration', () => {
    const phases = new LearnedPhases()
    const a = instance('a')
    const warning = phases.learn(filters, { a: a.config }, ['access'])
    expect(warning).toEqual({
      plugin: 'filters',
      refused: [{ config: 'a', detail: 'not an object' }],
      count: 1,
    })
  })

  it('flags a chain by the union of every instance that may run there, consumer-scoped ones included', () => {
    const phases = new LearnedPhases()
    const base = instance('base')
    const scoped = instance('scoped')
    const both = (value: PluginEntity | null) => ({ http: value, https: value })
    const chain = {
      candidates: [
        { plugin: filters, base: both(base), global: both(null), consumers: new Map([['c', both(scoped)]]) },
      ],
    } as unknown as RouteChain
    phases.learn(
      filters,
      { base: base.config, scoped: scoped.config },
      { base: ['access'], scoped: ['access'] },
    )
    expect(phases.flagsOf(chain)).toEqual({
      any: true,
      buffered: false,
      headerFilter: false,
      bodyFilter: false,
      log: false,
    })
    const version = phases.version
    phases.learn(filters, { base: base.config, scoped: scoped.config }, { base: ['access'], scoped: ['log'] })
    expect(phases.version).toBeGreaterThan(version)
    expect(phases.flagsOf(chain)).toMatchObject({ any: true, headerFilter: false, log: true })
    phases.learn(filters, { base: base.config, scoped: scoped.config }, { base: [], scoped: [] })
    expect(phases.flagsOf(chain).any).toBe(false)
  })
})
