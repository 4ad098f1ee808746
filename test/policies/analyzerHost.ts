/**
 * The policy pack as `pulumi preview --policy-pack` runs it: started by @pulumi/pulumi's
 * run-policy-pack (which type-checks and loads it with ts-node) and spoken to over its gRPC
 * analyzer interface as the Pulumi CLI does. Shared by the tests that compare the offline
 * evaluator's verdicts with the engine's.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { ResourceDescriptor } from "../../policies/lib/evaluate";
import { allPolicies } from "../../policies/policies";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- untyped protobuf and gRPC modules */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiDir] }),
);
const { Empty } = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }),
);

const POLICIES_DIR = path.resolve(__dirname, "..", "..", "policies");
/** The runner `pulumi preview --policy-pack` starts: it type-checks and loads the pack with ts-node. */
const RUN_POLICY_PACK = path.join(pulumiDir, "cmd", "run-policy-pack", "index.js");

/** A diagnostic the analyzer returned, its message without the rule's description. */
export interface Diagnostic {
  rule: string;
  urn: string;
  level: string;
  message: string;
}

/** The analyzer's enforcement levels, by their protobuf number. */
export const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];
const LEVELS: Record<string, number> = Object.fromEntries(LEVEL_NAMES.map((name, i) => [name, i]));

export interface AnalyzerHost {
  /** `GetAnalyzerInfo`: the pack's name and its policies, as untyped protobuf messages. */
  info(): Promise<any>;
  /** What `--policy-pack-config` makes the CLI send: every policy with its level and its properties. */
  configure(config: PolicyPackConfig): Promise<void>;
  /** `Analyze` for each resource, then `AnalyzeStack` over them all, as a preview does. */
  verdicts(resources: readonly ResourceDescriptor[]): Promise<Diagnostic[]>;
  close(): void;
}

function urnOf(r: ResourceDescriptor): string {
  return r.urn ?? `urn:pulumi:offline::offline::${r.type}::${r.name}`;
}

/** Props as the engine serializes them: plain JSON, secrets revealed (the harness's Secret unwrapped). */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      v && typeof v === "object" && "value" in v && v.toJSON?.() === "[secret]" ? v.value : v,
    ),
  );
}

function toDiagnostics(response: any, description: Map<string, string>): Diagnostic[] {
  return response.getDiagnosticsList().map((d: any) => ({
    rule: d.getPolicyname(),
    urn: d.getUrn(),
    level: LEVEL_NAMES[d.getEnforcementlevel()],
    // The analyzer prefixes the rule's description; the offline verdict keeps the message alone.
    message: d.getMessage().startsWith(`${description.get(d.getPolicyname())}\n`)
      ? d.getMessage().slice(description.get(d.getPolicyname())!.length + 1)
      : d.getMessage(),
  }));
}

/** Starts the pack in `policies/` under run-policy-pack and connects to it. */
export async function startAnalyzerHost(): Promise<AnalyzerHost> {
  // The engine address is unused by policy packs; the program is the pack's directory.
  const child: ChildProcess = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], {
    cwd: POLICIES_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${err}`)));
  });
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))),
    );
  const description = new Map(allPolicies().map((p) => [p.name, p.description]));

  return {
    info: () => call("getAnalyzerInfo", new Empty()),

    async configure(config) {
      const request = new analyzerPb.ConfigureAnalyzerRequest();
      for (const p of allPolicies()) {
        const c = config[p.name];
        const { enforcementLevel, ...props } = typeof c === "string" ? { enforcementLevel: c } : (c ?? {});
        const pc = new analyzerPb.PolicyConfig();
        pc.setEnforcementlevel(LEVELS[enforcementLevel ?? p.enforcementLevel]);
        pc.setProperties(Struct.fromJavaScript(props));
        request.getPolicyconfigMap().set(p.name, pc);
      }
      await call("configure", request);
    },

    async verdicts(resources) {
      const diagnostics: Diagnostic[] = [];
      const analyzerResources = [];
      for (const r of resources) {
        const props = Struct.fromJavaScript(plain(r.props ?? r.inputs ?? {}));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setProtect(r.protect === true);
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(r.type);
        request.setName(r.name);
        request.setUrn(urnOf(r));
        request.setProperties(props);
        request.setOptions(options);
        diagnostics.push(
          ...toDiagnostics(await call("analyze", request), description).map((d) => ({ ...d, urn: urnOf(r) })),
        );

        const resource = new analyzerPb.AnalyzerResource();
        resource.setType(r.type);
        resource.setName(r.name);
        resource.setUrn(urnOf(r));
        resource.setProperties(props);
        resource.setOptions(options);
        if (r.parent) resource.setParent(r.parent);
        resource.setDependenciesList(r.dependsOn ?? []);
        for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
          const deps = new analyzerPb.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          resource.getPropertydependenciesMap().set(key, deps);
        }
        analyzerResources.push(resource);
      }
      const stackRequest = new analyzerPb.AnalyzeStackRequest();
      stackRequest.setResourcesList(analyzerResources);
      diagnostics.push(...toDiagnostics(await call("analyzeStack", stackRequest), description));
      return diagnostics;
    },

    close() {
      client.close();
      child.kill();
    },
  };
}
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
