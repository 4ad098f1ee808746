import { helperChoice, Problems, problemsUnder, SeawallValidationError } from "../components/validation";

const choose = (value: unknown, allowed: ("existing" | "args" | "skip")[], extraKeys?: string[]) => {
  const p = new Problems();
  const form = helperChoice(p, "opt", value, allowed, { extraKeys });
  return { form, problems: p.list.map(({ code, field, value: v }) => ({ code, field, value: v })) };
};

describe("helperChoice", () => {
  it("returns the one form given, or undefined without a problem when unset", () => {
    expect(choose({ existing: { id: "x" } }, ["existing", "args"])).toEqual({
      form: "existing",
      problems: [],
    });
    expect(choose({ args: {} }, ["existing", "args"])).toEqual({ form: "args", problems: [] });
    expect(choose({ skip: true }, ["args", "skip"])).toEqual({ form: "skip", problems: [] });
    expect(choose(undefined, ["args"])).toEqual({ form: undefined, problems: [] });
    expect(choose({ args: {}, prefix: "p/" }, ["args"], ["prefix"])).toEqual({ form: "args", problems: [] });
  });

  it.each([
    ["not an object", "yes", "SEAWALL_HELPER_SHAPE", "opt", "yes"],
    ["no form", { prefix: "p/" }, "SEAWALL_HELPER_SHAPE", "opt", "{ prefix }"],
    ["two forms", { existing: {}, args: {} }, "SEAWALL_HELPER_SHAPE", "opt", "{ existing, args }"],
    ["an unknown key", { args: {}, colour: "blue" }, "SEAWALL_HELPER_SHAPE", "opt", "{ args, colour }"],
    ["skip not true", { skip: "yes" }, "SEAWALL_HELPER_SHAPE", "opt", { skip: "yes" }],
    ["a form without its settings", { existing: null }, "SEAWALL_HELPER_SHAPE", "opt.existing", null],
    [
      "a form the field does not accept",
      { skip: true },
      "SEAWALL_HELPER_FORM_UNSUPPORTED",
      "opt",
      "{ skip: true }",
    ],
  ])("reports %s as a problem and returns undefined", (_, value, code, field, shown) => {
    expect(choose(value, ["existing", "args"])).toEqual({
      form: undefined,
      problems: [{ code, field, value: shown }],
    });
  });

  it("says what was given and every accepted form", () => {
    const p = new Problems();
    helperChoice(p, "kmsKey", { skip: true }, ["existing", "args"], { why: "a key is required" });
    expect(p.list[0].fix).toBe(
      "a key is required; give exactly one of { existing: ... } (bring your own), { args: {...} } (create one)",
    );
  });
});

describe("problemsUnder", () => {
  it("names a part's problems under the part's field and keeps their codes", () => {
    const problems = problemsUnder("objectStore", () => {
      const p = new Problems();
      p.wholeNumber("SEAWALL_KMS_DELETION_WINDOW", "keyDeletionWindowInDays", 3, 7, 30);
      p.throwIfAny("part");
    });
    expect(problems).toEqual([
      {
        code: "SEAWALL_KMS_DELETION_WINDOW",
        field: "objectStore.keyDeletionWindowInDays",
        value: 3,
        fix: "must be a whole number from 7 to 30",
      },
    ]);
    expect(problemsUnder("x", () => undefined)).toEqual([]);
  });

  it("rethrows anything that is not a validation error", () => {
    expect(() =>
      problemsUnder("x", () => {
        throw new TypeError("boom");
      }),
    ).toThrow(TypeError);
    expect(new SeawallValidationError("s", []).problems).toEqual([]);
  });
});
