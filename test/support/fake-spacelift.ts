export * from '../../src/fakes/spacelift/server';
