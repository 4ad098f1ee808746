/**
 * Resource properties as the analyzer hands them to policies: secrets revealed, properties whose
 * value is `undefined` absent. Iterative, so a document nested 100,000 levels deep (JSON.parse
 * reads one) is handled like any other, and copy-on-need: properties with no secret and no
 * `undefined` value are returned as they are, without a copy.
 */

/** The SDK's secret signature: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Obj = Record<string, unknown> & { toJSON?: () => unknown };

/**
 * Whether `o` is a secret: the SDK's signature, or any object that carries a `value` and
 * serializes as "[secret]" (the synthesis harness's `Secret`).
 */
function isSecret(o: Obj): boolean {
  if (o[SECRET_SIG_KEY] === SECRET_SIG) return true;
  return "value" in o && typeof o.toJSON === "function" && o.toJSON() === "[secret]";
}

/** The plain value of a secret, through secrets of secrets; other values as they are. */
function reveal(value: unknown): unknown {
  let v = value;
  // A secret whose value is itself would loop: stop after a bounded number of layers.
  for (let layers = 0; v !== null && typeof v === "object" && isSecret(v as Obj) && layers < 64; layers++) {
    v = (v as Obj).value;
  }
  return v;
}

/** Whether anything under `root` is a secret or an `undefined` property value. Iterative. */
function needsCopy(root: unknown): boolean {
  if (!root || typeof root !== "object") return false;
  const seen = new Set<object>();
  const stack: object[] = [root];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (Array.isArray(o)) {
      for (const v of o) if (v && typeof v === "object") stack.push(v);
      continue;
    }
    if (isSecret(o as Obj)) return true;
    for (const key of Object.keys(o)) {
      const v = (o as Obj)[key];
      if (v === undefined) return true;
      if (v && typeof v === "object") stack.push(v);
    }
  }
  return false;
}

/**
 * `value` with its secrets revealed and `undefined` properties dropped, as the analyzer
 * deserializes properties. Shared and cyclic references keep their shape.
 */
export function unwrapSecrets(value: unknown): unknown {
  if (!needsCopy(value)) return value;
  const copies = new Map<object, unknown>();
  const work: [source: object, target: unknown[] | Record<string, unknown>][] = [];
  const convert = (raw: unknown): unknown => {
    const v = reveal(raw);
    if (!v || typeof v !== "object") return v;
    const existing = copies.get(v);
    if (existing !== undefined) return existing;
    const target: unknown[] | Record<string, unknown> = Array.isArray(v) ? new Array<unknown>(v.length) : {};
    copies.set(v, target);
    work.push([v, target]);
    return target;
  };
  const result = convert(value);
  while (work.length > 0) {
    const [source, target] = work.pop()!;
    if (Array.isArray(source)) {
      const list = target as unknown[];
      for (let i = 0; i < source.length; i++) list[i] = convert(source[i]);
      continue;
    }
    const object = target as Record<string, unknown>;
    for (const key of Object.keys(source)) {
      const v = (source as Obj)[key];
      if (v !== undefined) object[key] = convert(v);
    }
  }
  return result;
}
