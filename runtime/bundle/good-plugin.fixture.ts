/** A plugin using everything a plugin may import: relative files, JSON, a local package, the SDK (tests only). */
export const GOOD_PLUGIN: Record<string, string> = {
  'handler.ts': `import type { PluginSchema } from 'isogate/sdk'
import { shout } from './lib/text.js'
import pad from 'tiny-lib'
import limits from './limits.json'

type Unused = PluginSchema

export default {
  priority: 1000,
  version: '1.0.0',
  greet(name: string): string {
    return shout(pad(name, limits.width))
  },
  fail(): never {
    throw new Error('boom')
  },
}
`,
  'schema.ts': `import type { PluginSchema } from 'isogate/sdk'

export default {
  name: 'my-plugin',
  config: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
} satisfies PluginSchema
`,
  'lib/text.ts': `export const shout = (text: string): string => \`\${text.toUpperCase()}!\`\n`,
  'limits.json': '{ "width": 8 }\n',
  // CommonJS, no package.json, reads process.env.NODE_ENV (replaced at bundle time).
  'node_modules/tiny-lib/index.js': `module.exports = function pad(text, width) {
  return process.env.NODE_ENV === 'production' ? text.padStart(width, '.') : text
}
`,
}
