import type { EntitySchema, FieldSchema } from '../schema-types.ts'
import { autoTimestamp, host, name, path, port, protocol, tags, uuid } from './typedefs.ts'

const timeout = (description: string): FieldSchema => ({
  type: 'integer',
  description,
  between: [1, 2 ** 31 - 2],
  default: 60000,
})

/** kong/db/schema/entities/services.lua (3.x). The `url` shorthand lives in service-url.ts. */
export const servicesSchema: EntitySchema = {
  name: 'services',
  primaryKey: ['id'],
  endpointKey: 'name',
  workspaceable: true,
  fields: [
    { id: uuid() },
    { created_at: autoTimestamp() },
    { updated_at: autoTimestamp() },
    { name: name() },
    {
      retries: {
        type: 'integer',
        description: 'The number of retries to execute upon failure to proxy.',
        default: 5,
        between: [0, 32767],
      },
    },
    { protocol: protocol({ required: true, default: 'http', indexed: true }) },
    { host: host({ required: true, indexed: true }) },
    { port: port({ required: true, default: 80, indexed: true }) },
    { path: { ...path(), indexed: true } },
    {
      connect_timeout: timeout(
        'The timeout in milliseconds for establishing a connection to the upstream server.',
      ),
    },
    {
      write_timeout: timeout(
        'The timeout in milliseconds between two successive write operations to the upstream server.',
      ),
    },
    {
      read_timeout: timeout(
        'The timeout in milliseconds between two successive read operations from the upstream server.',
      ),
    },
    { tags: tags() },
    {
      client_certificate: {
        type: 'foreign',
        reference: 'certificates',
        description:
          'Certificate to be used as client certificate while TLS handshaking to the upstream server.',
      },
    },
    {
      tls_verify: {
        type: 'boolean',
        description: 'Whether to enable verification of upstream server TLS certificate.',
      },
    },
    { tls_verify_depth: { type: 'integer', default: null, between: [0, 64] } },
    { ca_certificates: { type: 'array', elements: { type: 'string', uuid: true } } },
    {
      enabled: {
        type: 'boolean',
        required: true,
        default: true,
        indexed: true,
        description: 'Whether the Service is active.',
      },
    },
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'protocol',
        if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] },
        then_field: 'path',
        then_match: { eq: null },
      },
    },
    {
      conditional: {
        if_field: 'protocol',
        if_match: { not_one_of: ['https', 'wss', 'tls'] },
        then_field: 'client_certificate',
        then_match: { eq: null },
      },
    },
    {
      conditional: {
        if_field: 'protocol',
        if_match: { not_one_of: ['https', 'wss', 'tls'] },
        then_field: 'tls_verify',
        then_match: { eq: null },
      },
    },
    {
      conditional: {
        if_field: 'protocol',
        if_match: { not_one_of: ['https', 'tls'] },
        then_field: 'tls_verify_depth',
        then_match: { eq: null },
      },
    },
    {
      conditional: {
        if_field: 'protocol',
        if_match: { not_one_of: ['https', 'tls'] },
        then_field: 'ca_certificates',
        then_match: { eq: null },
      },
    },
  ],
}
