// The Pulumi program's entry point (Pulumi.yaml: main: stacks/). The engine calls the exported
// function and publishes what it returns as the stack's outputs.
import { program } from "./program";

export = program;
