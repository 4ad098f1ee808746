import { MalformedResourceError, ResourceDescriptor } from "./evaluate";
import { UNKNOWN_VALUES } from "./sdk";

/**
 * The documents `npm run policy:check` reads, turned into the evaluator's resource descriptors:
 *
 * - a resource list, `[{ type, name, props | inputs, urn?, parent?, provider?, dependsOn?,
 *   propertyDependencies? }]` (what `npm run plan -- --json` prints);
 * - `pulumi preview --json` output (the engine's preview digest, `{ steps: [{ op, urn, newState }] }`);
 * - a `pulumi stack export` file (`{ version: 3, deployment: { manifest, resources } }`).
 *
 * Engine state is read as the engine hands it to a policy pack: provider references
 * (`<provider urn>::<id>`) become the provider's URN, keys starting with `__` are dropped, resource
 * references become their ID (else their URN), a secret whose plaintext is in the file is its value
 * and one that is only ciphertext (or the preview's `"[secret]"`) is unknown, so the checks that read
 * it are skipped rather than judged on a placeholder.
 */

/** Which of the three shapes a document was. */
export type InputFormat = "resource-list" | "preview" | "stack-export";

/** Where a resource was declared: a file relative to the Pulumi project's directory, 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  column?: number;
}

export interface ParsedInput {
  format: InputFormat;
  resources: ResourceDescriptor[];
  /** Source positions the engine recorded (`sourcePosition`), by URN. */
  sources: Map<string, SourcePosition>;
  /** Things the reader should know about the input, e.g. a preview without its unchanged resources. */
  warnings: string[];
}

/** The signature key of the engine's special objects (secrets, resource references, assets). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** Preview steps whose new state is not a resource the program keeps: nothing to judge. */
const GONE_OPS = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
]);
/** Resources read with `get`, not managed by the program: not judged. */
const READ_OPS = new Set(["read", "read-replacement"]);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function fail(where: string, message: string): never {
  throw new MalformedResourceError(`${where}: ${message}`);
}

/** Parses a URN, `urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>` (names may contain `::`). */
export function parseUrn(
  urn: string,
): { stack: string; project: string; type: string; name: string } | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualifiedType, ...name] = parts;
  const type = qualifiedType.split("$").pop() ?? "";
  if (type === "" || name.join("::") === "") return undefined;
  return { stack, project, type, name: name.join("::") };
}

/** A provider reference of engine state, `<provider urn>::<provider id>`, as the provider's URN. */
export function providerUrn(reference: string): string {
  const cut = reference.lastIndexOf("::");
  const urn = cut > 0 ? reference.slice(0, cut) : reference;
  return parseUrn(urn) !== undefined ? urn : reference;
}

/** The engine's `sourcePosition`, `project:///<file>#<line>[,<column>]`. */
export function parseSourcePosition(value: string): SourcePosition | undefined {
  const m = /^project:\/\/\/([^#]+)#(\d+)(?:,(\d+))?$/.exec(value);
  if (!m) return undefined;
  const line = Number(m[2]);
  if (line < 1) return undefined;
  return { file: decodeURI(m[1]), line, ...(m[3] ? { column: Number(m[3]) } : {}) };
}

/**
 * A property value as the engine sends it to an analyzer. `previewSecrets`: the preview digest
 * writes every secret as the string "[secret]".
 */
function engineValue(v: unknown, previewSecrets: boolean): unknown {
  if (Array.isArray(v)) return v.map((e) => engineValue(e, previewSecrets));
  if (isObject(v)) {
    if (v[SIG] === SECRET_SIG) {
      if (typeof v.plaintext === "string") {
        try {
          return engineValue(JSON.parse(v.plaintext), previewSecrets);
        } catch {
          return UNKNOWN_VALUES.string;
        }
      }
      if ("value" in v) return engineValue(v.value, previewSecrets);
      return UNKNOWN_VALUES.string;
    }
    if (v[SIG] === RESOURCE_REFERENCE_SIG) {
      return typeof v.id === "string" && v.id !== "" ? v.id : v.urn;
    }
    const out: Json = {};
    for (const [k, e] of Object.entries(v)) if (!k.startsWith("__")) out[k] = engineValue(e, previewSecrets);
    return out;
  }
  if (previewSecrets && v === "[secret]") return UNKNOWN_VALUES.string;
  return v;
}

function stringField(o: Json, field: string, where: string, required: boolean): string | undefined {
  const v = o[field];
  if (v === undefined || v === null || (v === "" && !required)) {
    if (required) fail(where, `"${field}" is missing`);
    return undefined;
  }
  if (typeof v !== "string" || v === "")
    fail(where, `"${field}" must be a non-empty string, got ${describe(v)}`);
  return v;
}

function urnField(o: Json, field: string, where: string): string | undefined {
  const v = stringField(o, field, where, false);
  if (v !== undefined && parseUrn(v) === undefined) {
    fail(
      where,
      `"${field}" is not a URN (urn:pulumi:<stack>::<project>::<type>::<name>), got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function objectField(o: Json, field: string, where: string): Json | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(where, `"${field}" must be an object, got ${describe(v)}`);
  return v;
}

function urnList(v: unknown, field: string, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(where, `"${field}" must be a list of URNs, got ${describe(v)}`);
  return v.map((u, i) => {
    if (typeof u !== "string" || parseUrn(u) === undefined) {
      fail(where, `"${field}[${i}]" must be a URN, got ${describe(u)}`);
    }
    return u;
  });
}

function propertyDependencies(o: Json, where: string): Record<string, string[]> | undefined {
  const deps = objectField(o, "propertyDependencies", where);
  if (!deps) return undefined;
  const out: Record<string, string[]> = {};
  for (const [key, urns] of Object.entries(deps)) {
    out[key] = urnList(urns, `propertyDependencies.${key}`, where);
  }
  return out;
}

/** Type and name: given, or read from the URN; `fallbackName` when neither. */
function identity(
  o: Json,
  where: string,
  fallbackName?: string,
): { type: string; name: string; urn?: string } {
  const urn = urnField(o, "urn", where);
  const parsed = urn ? parseUrn(urn) : undefined;
  const type = stringField(o, "type", where, false) ?? parsed?.type;
  if (type === undefined) {
    fail(
      where,
      `"type" is missing or not a string, and there is no "urn" to read it from (e.g. "aws:s3/bucket:Bucket")`,
    );
  }
  const name = stringField(o, "name", where, false) ?? parsed?.name ?? fallbackName;
  if (name === undefined) fail(where, `"name" is missing, and there is no "urn" to read it from`);
  return { type, name, ...(urn ? { urn } : {}) };
}

/** One resource of engine state (a stack export's resource or a preview step's newState). */
function fromState(o: unknown, where: string, previewSecrets: boolean, sources: Map<string, SourcePosition>) {
  if (!isObject(o)) fail(where, `expected a resource object, got ${describe(o)}`);
  if (stringField(o, "urn", where, true) === undefined) fail(where, `"urn" is missing`);
  const { type, name, urn } = identity(o, where);
  const inputs = objectField(o, "inputs", where) ?? {};
  const provider = stringField(o, "provider", where, false);
  if (provider !== undefined && parseUrn(providerUrn(provider)) === undefined) {
    fail(
      where,
      `"provider" is not a provider reference (<provider urn>::<id>), got ${JSON.stringify(provider)}`,
    );
  }
  const position = typeof o.sourcePosition === "string" ? parseSourcePosition(o.sourcePosition) : undefined;
  if (position && urn) sources.set(urn, position);
  const descriptor: ResourceDescriptor = {
    type,
    name,
    urn,
    inputs: engineValue(inputs, previewSecrets) as Json,
    parent: urnField(o, "parent", where) ?? null,
    provider: provider === undefined ? null : providerUrn(provider),
    dependsOn: urnList(o.dependencies, "dependencies", where),
    propertyDependencies: propertyDependencies(o, where),
    protect: o.protect === true,
  };
  return descriptor;
}

function fromList(doc: unknown[]): ParsedInput {
  const resources = doc.map((r, i): ResourceDescriptor => {
    const where = `resource [${i}]`;
    if (!isObject(r)) fail(where, `expected an object, got ${describe(r)}`);
    const { type, name, urn } = identity(r, where, `resource-${i}`);
    const at = `${where} (${type})`;
    const props = objectField(r, "props", at);
    const inputs = objectField(r, "inputs", at);
    const provider = stringField(r, "provider", at, false);
    const dependsOn = r.dependsOn === undefined ? undefined : urnList(r.dependsOn, "dependsOn", at);
    return {
      ...(r as unknown as ResourceDescriptor),
      type,
      name,
      ...(urn ? { urn } : {}),
      ...(props ? { props } : {}),
      ...(inputs ? { inputs } : {}),
      ...(provider ? { provider } : {}),
      ...(dependsOn ? { dependsOn } : {}),
      propertyDependencies: propertyDependencies(r, at),
    };
  });
  // A list may name a provider by its URN or by the engine's `<urn>::<id>` reference.
  const urns = new Set(resources.flatMap((r) => (r.urn ? [r.urn] : [])));
  for (const r of resources) {
    if (r.provider && !urns.has(r.provider) && urns.has(providerUrn(r.provider)))
      r.provider = providerUrn(r.provider);
  }
  return { format: "resource-list", resources, sources: new Map(), warnings: [] };
}

function fromPreview(doc: Json): ParsedInput {
  const steps = doc.steps ?? [];
  if (!Array.isArray(steps)) fail("preview", `"steps" must be a list, got ${describe(steps)}`);
  const sources = new Map<string, SourcePosition>();
  const byUrn = new Map<string, ResourceDescriptor>();
  let sames = 0;
  steps.forEach((s: unknown, i) => {
    const where = `steps[${i}]`;
    if (!isObject(s)) fail(where, `expected a step object, got ${describe(s)}`);
    const op = s.op;
    if (typeof op !== "string" || op === "") fail(where, `"op" is missing or not a string`);
    const urn = stringField(s, "urn", where, true)!;
    if (op === "same") sames++;
    if (GONE_OPS.has(op) || READ_OPS.has(op)) return;
    if (s.newState === undefined || s.newState === null) {
      fail(
        `${where} (${op} ${urn})`,
        `"newState" is missing: a ${op} step must carry the resource's new state`,
      );
    }
    const r = fromState(s.newState, `${where}.newState`, true, sources);
    if (r.urn !== urn)
      fail(`${where}.newState`, `"urn" ${JSON.stringify(r.urn)} is not the step's ${JSON.stringify(urn)}`);
    // With --show-replacement-steps a replaced resource has several steps; the first one counts.
    if (!byUrn.has(urn)) byUrn.set(urn, r);
  });
  const warnings: string[] = [];
  const summary = isObject(doc.changeSummary) ? doc.changeSummary : {};
  const unchanged = typeof summary.same === "number" ? summary.same : 0;
  if (unchanged > sames) {
    warnings.push(
      `the preview leaves out ${unchanged - sames} unchanged resource(s); run \`pulumi preview --json --show-sames\` so they are checked too`,
    );
  }
  return { format: "preview", resources: [...byUrn.values()], sources, warnings };
}

function fromStackExport(doc: Json): ParsedInput {
  if (doc.version !== 3 && doc.version !== 4) {
    fail(
      "stack export",
      `"version" ${JSON.stringify(doc.version)} is not supported: expected 3 (or 4), the format \`pulumi stack export\` writes`,
    );
  }
  const deployment = doc.deployment;
  if (!isObject(deployment))
    fail("stack export", `"deployment" must be an object, got ${describe(deployment)}`);
  const list = deployment.resources ?? [];
  if (!Array.isArray(list)) fail("deployment", `"resources" must be a list, got ${describe(list)}`);
  const sources = new Map<string, SourcePosition>();
  const resources: ResourceDescriptor[] = [];
  list.forEach((r: unknown, i) => {
    const where = `deployment.resources[${i}]`;
    // Resources pending deletion and resources read with `get` are not the program's to fix.
    if (isObject(r) && (r.delete === true || r.external === true)) return;
    resources.push(fromState(r, where, false, sources));
  });
  return { format: "stack-export", resources, sources, warnings: [] };
}

/** Recognizes the document's shape and reads its resources; throws MalformedResourceError naming the position and field. */
export function parseInput(doc: unknown): ParsedInput {
  if (Array.isArray(doc)) return fromList(doc);
  if (isObject(doc)) {
    if ("deployment" in doc) return fromStackExport(doc);
    if ("steps" in doc || "changeSummary" in doc) return fromPreview(doc);
  }
  throw new MalformedResourceError(
    `expected a JSON list of resources ({ type, name, props | inputs }), \`pulumi preview --json\` output ({ steps, changeSummary }) or a \`pulumi stack export\` file ({ version, deployment }), got ${describe(doc)}`,
  );
}
