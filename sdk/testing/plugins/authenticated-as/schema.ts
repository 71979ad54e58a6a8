export default {
  name: 'authenticated-as',
  config: {
    type: 'object',
    properties: { consumer_id: { type: 'string' } },
    required: ['consumer_id'],
    additionalProperties: false,
  },
}
