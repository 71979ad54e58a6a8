/** The one consumer of the bench, as key-auth authenticates it. */
export const BENCH_CONSUMER = { id: '0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', username: 'bench' }
