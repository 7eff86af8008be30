'use strict';
// Stands in for @temporalio/worker/lib/workflow/bundler inside the single binary (see build-binary.mjs).
// The real module requires webpack at import time and resolves files that a bundle does not carry; the binary
// never bundles workflow code (it always passes the pre-built workflowBundle), so every export here is inert
// and anything that would really bundle fails loudly.

const DISABLED = 'workflow bundling is not available in the spacelift-cascade binary; pass workflowBundle';

class WorkflowCodeBundler {
  constructor() {
    throw new Error(DISABLED);
  }
}

module.exports = {
  WorkflowCodeBundler,
  bundleWorkflowCode: async () => {
    throw new Error(DISABLED);
  },
  moduleMatches: () => false,
  defaultWorkflowInterceptorModules: [],
  allowedBuiltinModules: [],
  disallowedBuiltinModules: [],
  disallowedModules: [],
};
