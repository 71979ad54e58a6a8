import type { Kong } from './kong.ts'

/** `name:value` pairs of Kong's request-transformer config. */
function pairs(list: string[]): [string, string][] {
  return list.map((pair) => {
    const colon = pair.indexOf(':')
    return [pair.slice(0, colon), pair.slice(colon + 1)]
  })
}

/** Kong's request-transformer, `add.headers` only: each header is added unless the request has it. */
class RequestTransformer {
  readonly #add: [string, string][]

  constructor(config: { add?: { headers?: string[] } }) {
    this.#add = pairs(config.add?.headers ?? [])
  }

  async access(kong: Kong) {
    const headers = (await kong.request.getHeaders()) as Record<string, string[]>
    for (const [name, value] of this.#add) {
      if (headers[name.toLowerCase()] === undefined) await kong.service.request.setHeader(name, value)
    }
  }
}

export const requestTransformer = {
  Name: 'request-transformer',
  Priority: 801,
  Version: '1.0.0',
  Plugin: RequestTransformer,
}
