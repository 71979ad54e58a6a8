/** The files `isogate plugin new NAME` writes: a working plugin, its schema, a passing test, a README. */
export function pluginTemplates(name: string): Record<string, string> {
  const header = `X-${name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('-')}`
  return {
    'handler.ts': `import type { Plugin } from 'isogate/sdk'
import type { Config } from './schema.ts'

/** ${name}: tags the request it proxies and the response the client gets with one header. */
export default {
  priority: 1000,
  version: '0.1.0',
  access(kong, conf) {
    kong.service.request.setHeader(conf.header_name, conf.value)
  },
  headerFilter(kong, conf) {
    kong.response.setHeader(conf.header_name, conf.value)
  },
} satisfies Plugin<Config>
`,
    'schema.ts': `import type { PluginSchema } from 'isogate/sdk'

export interface Config {
  header_name: string
  value: string
}

export default {
  name: '${name}',
  config: {
    type: 'object',
    properties: {
      header_name: { type: 'string', default: '${header}', description: 'The header to set.' },
      value: { type: 'string', default: 'on', minLength: 1, description: 'Its value.' },
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
`,
    [`${name}.test.ts`]: `import { fileURLToPath } from 'node:url'
import { runPlugin } from 'isogate/sdk/testing'
import { describe, expect, it } from 'vitest'

const dir = fileURLToPath(new URL('.', import.meta.url))

describe('${name}', () => {
  it('sets the header upstream and on the response', async () => {
    const result = await runPlugin({ dir, config: { value: 'yes' }, request: { path: '/hello' } })
    expect(result.error).toBeNull()
    expect(result.upstream?.headers['${header.toLowerCase()}']).toBe('yes')
    expect(result.headers['${header.toLowerCase()}']).toBe('yes')
  })

  it('refuses an empty value', async () => {
    await expect(runPlugin({ dir, config: { value: '' } })).rejects.toThrow('config.value: length must be at least 1')
  })
})
`,
    'README.md': `# ${name}

An isogate plugin (Kong-style, runs in its own V8 isolate).

- \`handler.ts\`: the phases (\`access\`, \`headerFilter\`, ...) with the PDK as \`kong\`.
- \`schema.ts\`: the plugin's name and the JSON Schema of its \`config\`.
- \`${name}.test.ts\`: tests with \`runPlugin\` from \`isogate/sdk/testing\`, which runs the plugin in a
  real gateway started for the test, against a fake request and upstream.

\`\`\`sh
npx isogate plugin test ${name}    # run the tests
npx isogate plugin build ${name}   # bundle it; prints phases, size and config fields
\`\`\`

To run it in a gateway, put this folder's parent in \`plugin_paths\` and add \`${name}\` to \`plugins\`.
`,
  }
}
