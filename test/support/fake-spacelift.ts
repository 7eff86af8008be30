export * from '../../src/fake-spacelift/server';
