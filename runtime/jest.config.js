const { join } = require("node:path");

/** @type {import('jest').Config} */
module.exports = {
  displayName: "runtime",
  testEnvironment: "node",
  rootDir: __dirname,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: join(__dirname, "..", "tsconfig.json"), diagnostics: false }],
  },
};
