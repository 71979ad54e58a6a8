import type { PluginSchema } from 'isogate/sdk'

export type JsonType = 'boolean' | 'number' | 'string'

export interface Config {
  remove: { json: string[]; headers: string[] }
  rename: { json: string[]; headers: string[] }
  replace: { json: string[]; json_types: JsonType[]; headers: string[] }
  add: { json: string[]; json_types: JsonType[]; headers: string[] }
  append: { json: string[]; json_types: JsonType[]; headers: string[] }
}

const NAME = '[A-Za-z0-9_-]+'
const PAIR = '^[^:]+:.*$'

const list = (description: string, pattern?: string) => ({
  type: 'array',
  description,
  items: pattern === undefined ? { type: 'string' } : { type: 'string', pattern },
  default: [],
})

const jsonTypes = {
  type: 'array',
  description:
    'The JSON type of each `json` value, by position: `string` (default), `number` or `boolean` (`true` only for the text "true").',
  items: { type: 'string', enum: ['boolean', 'number', 'string'] },
  default: [],
}

function valued(verb: string) {
  return {
    type: 'object',
    description: `What to ${verb}.`,
    properties: {
      json: list(`JSON body keys to ${verb}, as \`key:value\` pairs.`, PAIR),
      json_types: jsonTypes,
      headers: list(`Response headers to ${verb}, as \`name:value\` pairs.`, PAIR),
    },
    additionalProperties: false,
    default: {},
  }
}

/**
 * Kong's response-transformer schema (with Kong 3.8's `rename.json`). JSON body changes apply to
 * responses whose Content-Type is `application/json`.
 */
export default {
  name: 'response-transformer',
  config: {
    type: 'object',
    properties: {
      remove: {
        type: 'object',
        description: 'What to remove.',
        properties: {
          json: list('JSON body keys to remove.'),
          headers: list('Response headers to remove.'),
        },
        additionalProperties: false,
        default: {},
      },
      rename: {
        type: 'object',
        description: 'What to rename, as `old:new` pairs.',
        properties: {
          json: list('JSON body keys to rename, as `old:new` pairs.', PAIR),
          headers: list('Response headers to rename, as `old:new` pairs.', `^${NAME}:+${NAME}$`),
        },
        additionalProperties: false,
        default: {},
      },
      replace: valued('replace (only when present)'),
      add: valued('add (only when absent)'),
      append: valued('append (to any value already present)'),
    },
    additionalProperties: false,
  },
} satisfies PluginSchema
