import * as path from "node:path";
import type * as pulumiModule from "@pulumi/pulumi";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/**
 * The copy of `@pulumi/pulumi` a program runs with. A team's program may have its own
 * `node_modules` with its own copy of the SDK: the mocks must be installed on the copy the program
 * resolves, not on Seawall's, or its resources register against a runtime nobody set up.
 */
export interface PulumiSdk {
  /** The package directory of this copy. */
  root: string;
  pulumi: typeof pulumiModule;
  MockMonitor: typeof MockMonitor;
  settings: {
    setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
    waitForRPCs(): Promise<void>;
  };
  rpc: {
    deserializeProperties(struct: unknown): Record<string, unknown>;
    specialSigKey: string;
    specialSecretSig: string;
  };
  /** The runtime internals the harness needs; they are marked @internal, so not in the typings. */
  state: { getStore(): RuntimeStore };
}

/** The runtime store's fields the harness sets or reads. */
export interface RuntimeStore {
  supportsSecrets: boolean;
  supportsResourceReferences: boolean;
  supportsOutputValues: boolean;
  supportsDeletedWith: boolean;
  supportsAliasSpecs: boolean;
  supportsTransforms: boolean;
  logErrorCount: number;
}

const loaded = new Map<string, PulumiSdk>();

/** Thrown when a program's directory does not resolve `@pulumi/pulumi`. */
export class SdkNotFoundError extends Error {
  constructor(dir: string) {
    super(
      `${dir} does not resolve @pulumi/pulumi: run npm install in the program's directory ` +
        `(or one above it) so that node_modules/@pulumi/pulumi exists`,
    );
    this.name = "SdkNotFoundError";
  }
}

/**
 * Loads the `@pulumi/pulumi` that code in `fromDir` resolves (`require.resolve("@pulumi/pulumi",
 * { paths: [fromDir] })`); Seawall's own copy when `fromDir` is not given.
 */
export function loadSdk(fromDir?: string): PulumiSdk {
  let entry: string;
  try {
    entry = fromDir
      ? require.resolve("@pulumi/pulumi", { paths: [fromDir] })
      : require.resolve("@pulumi/pulumi");
  } catch {
    throw new SdkNotFoundError(fromDir ?? __dirname);
  }
  const root = path.dirname(entry);
  const cached = loaded.get(root);
  if (cached) return cached;
  /* eslint-disable @typescript-eslint/no-require-imports -- the copy is chosen at run time */
  const sdk: PulumiSdk = {
    root,
    pulumi: require(entry) as typeof pulumiModule,
    MockMonitor: (require(path.join(root, "runtime", "mocks")) as { MockMonitor: typeof MockMonitor })
      .MockMonitor,
    settings: require(path.join(root, "runtime", "settings")) as PulumiSdk["settings"],
    rpc: require(path.join(root, "runtime", "rpc")) as PulumiSdk["rpc"],
    state: require(path.join(root, "runtime", "state")) as PulumiSdk["state"],
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  loaded.set(root, sdk);
  return sdk;
}
