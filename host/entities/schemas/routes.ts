import type { EntitySchema } from '../schema-types.ts'
import {
  autoTimestamp,
  endpoints,
  headers,
  hosts,
  methods,
  name,
  protocol,
  routerPaths,
  snis,
  tags,
  uuid,
} from './typedefs.ts'

const TLS_PROTOCOLS = ['grpcs', 'https', 'tls', 'tls_passthrough', 'wss']

/**
 * kong/db/schema/entities/routes.lua (3.x, traditional router). The per-protocol rules of
 * routes_subschemas.lua are TypeScript in route-checks.ts.
 */
export const routesSchema: EntitySchema = {
  name: 'routes',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  fields: [
    { id: uuid() },
    { created_at: autoTimestamp() },
    { updated_at: autoTimestamp() },
    { name: name() },
    {
      protocols: {
        type: 'set',
        description: 'An array of the protocols this Route should allow.',
        len_min: 1,
        required: true,
        elements: protocol(),
        mutually_exclusive_subsets: [
          ['http', 'https'],
          ['tcp', 'tls', 'udp'],
          ['tls_passthrough'],
          ['grpc', 'grpcs'],
          ['ws', 'wss'],
        ],
        default: ['http', 'https'],
        indexed: true,
      },
    },
    { methods: { ...methods(), indexed: true } },
    { hosts: { ...hosts(), indexed: true } },
    { paths: { ...routerPaths(), indexed: true } },
    { headers: headers() },
    {
      https_redirect_status_code: {
        type: 'integer',
        description:
          'The status code Kong responds with when all properties of a Route match except the protocol',
        one_of: [426, 301, 302, 307, 308],
        default: 426,
        required: true,
      },
    },
    {
      regex_priority: {
        type: 'integer',
        default: 0,
        description:
          'A number used to choose which route resolves a given request when several routes match it using regexes simultaneously.',
      },
    },
    {
      strip_path: {
        type: 'boolean',
        required: true,
        default: true,
        description:
          'When matching a Route via one of the paths, strip the matching prefix from the upstream request URL.',
      },
    },
    {
      path_handling: {
        type: 'string',
        default: 'v0',
        one_of: ['v0', 'v1'],
        description:
          'Controls how the Service path, Route path and requested path are combined when sending a request to the upstream.',
      },
    },
    {
      preserve_host: {
        type: 'boolean',
        required: true,
        default: false,
        description:
          'When matching a Route via one of the hosts domain names, use the request Host header in the upstream request headers.',
      },
    },
    {
      request_buffering: {
        type: 'boolean',
        required: true,
        default: true,
        description: 'Whether to enable request body buffering or not. With HTTP 1.1.',
      },
    },
    {
      response_buffering: {
        type: 'boolean',
        required: true,
        default: true,
        description: 'Whether to enable response body buffering or not.',
      },
    },
    { snis: { ...snis(), description: 'A list of SNIs that match this Route when using stream routing.' } },
    { sources: endpoints() },
    { destinations: endpoints() },
    { tags: tags() },
    {
      service: {
        type: 'foreign',
        reference: 'services',
        description: 'The Service this Route is associated to. This is where the Route proxies traffic to.',
      },
    },
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'protocols',
        if_match: { elements: { type: 'string', not_one_of: TLS_PROTOCOLS } },
        then_field: 'snis',
        then_match: { len_eq: 0 },
        then_err:
          "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'",
      },
    },
  ],
}
