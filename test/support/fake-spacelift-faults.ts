export * from '../../src/fake-spacelift/faults';
