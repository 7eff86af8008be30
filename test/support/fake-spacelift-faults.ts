export * from '../../src/fakes/spacelift/faults';
