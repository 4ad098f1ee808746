/**
 * The @pulumi/policy helpers that the engine's analyzer uses but the SDK's typings leave out
 * (they are marked @internal): the proxy that throws on a value unknown during a preview, its
 * error, and the sentinels the engine sends for unknown values. The offline evaluator and the tests
 * use these exact objects, so a rule behaves offline as it does under `pulumi preview`.
 */
export interface UnknownValueErrorInstance extends Error {
  props: string[];
}

interface PolicyProxyModule {
  unknownCheckingProxy<T>(value: T): T;
  isSpecialProxy: string;
  getSpecialProxyTarget: string;
  UnknownValueError: new (sentinel: string, props: string[]) => UnknownValueErrorInstance;
  unknownBooleanValue: string;
  unknownNumberValue: string;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as PolicyProxyModule;

export const unknownCheckingProxy = proxy.unknownCheckingProxy;
export const UnknownValueError = proxy.UnknownValueError;
/** Reading this key through the proxy gives `true`; on anything else, `undefined`. */
export const isSpecialProxy = proxy.isSpecialProxy;
/** Reading this key through the proxy gives the object it wraps. */
export const getSpecialProxyTarget = proxy.getSpecialProxyTarget;

export function isUnknownValueError(e: unknown): e is UnknownValueErrorInstance {
  return e instanceof proxy.UnknownValueError;
}

/** The sentinels the engine sends in place of values unknown during a preview. */
export const UNKNOWN_VALUES = {
  boolean: proxy.unknownBooleanValue,
  number: proxy.unknownNumberValue,
  string: proxy.unknownStringValue,
  array: proxy.unknownArrayValue,
  object: proxy.unknownObjectValue,
} as const;
