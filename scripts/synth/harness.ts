import type * as pulumi from "@pulumi/pulumi";
import { newMockState, seawallMocks, MockState } from "./mocks";
import { loadSdk, PulumiSdk } from "./sdk";

/**
 * Offline synthesis: runs a Pulumi program (a component, or the whole stack program) under the
 * SDK's mocks and returns every resource it registered, with what the mocks' `newResource`
 * callback cannot see (dependencies, property dependencies, provider, protect) recorded by a
 * `MockMonitor` subclass. Serves the tests, `npm run plan` and the offline policy check.
 */

/** A secret input, kept marked so tests can assert secrecy and printers can redact it. */
export class Secret {
  constructor(readonly value: unknown) {}
  toJSON(): string {
    return "[secret]";
  }
}

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource, if any. */
  parent?: string;
  /** URN of the explicit provider, if any (the default provider otherwise). */
  provider?: string;
  /** The inputs the program passed, secrets wrapped in {@link Secret}. */
  inputs: Record<string, unknown>;
  /** URNs this resource depends on (explicit `dependsOn` and through its inputs). */
  dependsOn: string[];
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  custom: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface SynthResult {
  resources: RecordedResource[];
  outputs: Record<string, StackOutput>;
  /** Warnings the program and the SDKs logged (deprecations among them). */
  warnings: string[];
}

export interface SynthOptions {
  project?: string;
  stack?: string;
  /** Config as the engine passes it: `namespace:key` to a string (objects JSON-encoded). */
  config?: Record<string, string>;
  /** Run as a preview, where unknown values stay unknown. @default false */
  preview?: boolean;
  /** Print the program's warnings as well as returning them. @default true */
  echoWarnings?: boolean;
  /** Config keys (`namespace:key`) whose values are secrets, as `pulumi config set --secret` marks them. */
  secretKeys?: string[];
  /** The copy of `@pulumi/pulumi` the program uses. @default Seawall's own ({@link loadSdk}) */
  sdk?: PulumiSdk;
}

function markSecrets(value: unknown, sdk: PulumiSdk): unknown {
  if (Array.isArray(value)) return value.map((v) => markSecrets(v, sdk));
  if (value && typeof value === "object" && value.constructor === Object) {
    const obj = value as Record<string, unknown>;
    if (obj[sdk.rpc.specialSigKey] === sdk.rpc.specialSecretSig)
      return new Secret(markSecrets(obj.value, sdk));
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, markSecrets(v, sdk)]));
  }
  return value;
}

function stripProviderId(ref: string): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}

/** The URN the MockMonitor gives a resource (its own `newUrn` is private). */
function mockUrn(sdk: PulumiSdk, parent: string, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
  return `urn:pulumi:${sdk.pulumi.getStack()}::${sdk.pulumi.getProject()}::${qualified}::${name}`;
}

interface RecordingMonitor {
  readonly recorded: RecordedResource[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the monitor's requests are untyped protobufs */
/**
 * A `MockMonitor` of the program's own SDK copy that also records what the mocks' `newResource`
 * callback cannot see. The class is built per copy, since it must extend that copy's monitor.
 */
function newRecordingMonitor(
  sdk: PulumiSdk,
  mocks: pulumi.runtime.Mocks,
  state: MockState,
): RecordingMonitor {
  class Recording extends sdk.MockMonitor {
    readonly recorded: RecordedResource[] = [];

    async registerResource(req: any, callback: (err: any, innerResponse: any) => void): Promise<void> {
      const urn = mockUrn(sdk, req.getParent(), req.getType(), req.getName());
      const propertyDependencies: Record<string, string[]> = {};
      req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        propertyDependencies[key] = deps.getUrnsList();
      });
      const inputs = sdk.rpc.deserializeProperties(req.getObject());
      if (req.getType() === "pulumi:providers:aws" && typeof inputs.region === "string") {
        state.providerRegions.set(urn, inputs.region);
      }
      this.recorded.push({
        urn,
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        provider: stripProviderId(req.getProvider()),
        inputs: markSecrets(inputs, sdk) as Record<string, unknown>,
        dependsOn: req.getDependenciesList(),
        propertyDependencies,
        protect: req.getProtect() === true,
        custom: req.getCustom(),
        retainOnDelete: req.getRetainondelete() === true,
        ignoreChanges: req.getIgnorechangesList(),
      });
      return super.registerResource(req, callback);
    }
  }
  return new Recording(mocks);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function resolveOutput(sdk: PulumiSdk, value: unknown): Promise<StackOutput> {
  const { pulumi } = sdk;
  const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
  const secret = await pulumi.isSecret(output);
  const resolved = await new Promise<unknown>((resolve) => output.apply((v) => resolve(v)));
  return { value: resolved, secret };
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under the mocks and returns what it registered. Calls are serialized: the Pulumi
 * runtime's settings are process-global.
 */
export function synthesize(program: () => unknown, options: SynthOptions = {}): Promise<SynthResult> {
  const run = running.then(() => synthesizeNow(program, options));
  running = run.catch(() => undefined);
  return run;
}

async function synthesizeNow(program: () => unknown, options: SynthOptions): Promise<SynthResult> {
  const sdk = options.sdk ?? loadSdk();
  // With no engine attached, `pulumi.log.warn` (which the SDKs' deprecation notices use) writes to
  // console.warn and `pulumi.log.error` to console.error; keep a copy of each so callers can
  // assert there are no warnings, and so a failed registration fails the synthesis.
  const warnings: string[] = [];
  const errors: string[] = [];
  const { warn, error } = console;
  console.warn = (...parts: unknown[]) => {
    warnings.push(parts.map(String).join(" "));
    if (options.echoWarnings !== false) warn(...parts);
  };
  console.error = (...parts: unknown[]) => {
    errors.push(parts.map(String).join(" "));
    error(...parts);
  };
  let watch: NodeJS.Timeout | undefined;
  let onRejection: ((reason: unknown) => void) | undefined;
  // A resource whose inputs fail to resolve never finishes registering, so the RPC queue never
  // drains: stop at the first logged error or unhandled rejection instead of waiting forever.
  const failed = new Promise<never>((_, reject) => {
    watch = setInterval(() => {
      if (sdk.state.getStore().logErrorCount > 0) {
        reject(new Error(`synthesis failed:\n${errors.join("\n") || "an error was logged"}`));
      }
    }, 25);
    onRejection = (reason) => reject(reason instanceof Error ? reason : new Error(String(reason)));
    process.on("unhandledRejection", onRejection);
  });
  try {
    return { ...(await Promise.race([runProgram(sdk, program, options), failed])), warnings };
  } finally {
    clearInterval(watch);
    if (onRejection) process.off("unhandledRejection", onRejection);
    console.warn = warn;
    console.error = error;
  }
}

async function runProgram(
  sdk: PulumiSdk,
  program: () => unknown,
  options: SynthOptions,
): Promise<Omit<SynthResult, "warnings">> {
  const { pulumi } = sdk;
  const mockState = newMockState(options.config?.["aws:region"], options.config);
  const monitor = newRecordingMonitor(sdk, seawallMocks(mockState), mockState);
  sdk.settings.setMockOptions(
    monitor,
    options.project ?? "seawall",
    options.stack ?? "test",
    options.preview ?? false,
  );
  // The same feature flags `pulumi.runtime.setMocks` turns on.
  const store = sdk.state.getStore();
  store.supportsSecrets = true;
  store.supportsResourceReferences = true;
  store.supportsOutputValues = false;
  store.supportsDeletedWith = true;
  store.supportsAliasSpecs = true;
  store.supportsTransforms = false;
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

  const result = await program();
  const outputs: Record<string, StackOutput> = {};
  if (result && typeof result === "object" && !pulumi.Output.isInstance(result)) {
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      outputs[key] = await resolveOutput(sdk, value);
    }
  }
  await sdk.settings.waitForRPCs();
  return { resources: [...monitor.recorded], outputs };
}
