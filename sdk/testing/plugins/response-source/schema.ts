export default { name: 'response-source', config: { type: 'object', additionalProperties: false } }
