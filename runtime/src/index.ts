/** The runtime's public surface for other packages: the worker environment schema and contracts. */
export * from "./config";
