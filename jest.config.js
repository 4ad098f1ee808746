const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };

/**
 * Two projects: components/stacks/policies (under Pulumi mocks) and the runtime (against real
 * services its own setup starts). Type-checking is `npm run typecheck`'s job; ts-jest only
 * transpiles, which keeps the cloud SDKs' 1.5 GB of types out of every test worker.
 * @type {import('jest').Config}
 */
module.exports = {
  maxWorkers: 2,
  // A global option: per-project values are ignored. Loading a cloud SDK takes seconds on 2 cores.
  testTimeout: 120000,
  projects: [
    {
      displayName: "platform",
      testEnvironment: "node",
      roots: ["<rootDir>/test"],
      testMatch: ["**/*.test.ts"],
      transform,
    },
    "<rootDir>/runtime/jest.config.js",
  ],
};
