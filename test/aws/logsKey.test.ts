import { withDefaultKeyPolicy } from "../../components/aws/logsKey";

describe("withDefaultKeyPolicy", () => {
  const policy = () => "default-policy";

  it("gives a key the component creates the default policy", () => {
    expect(withDefaultKeyPolicy(undefined, policy)).toEqual({ args: { policy: "default-policy" } });
    expect(withDefaultKeyPolicy({ args: { deletionWindowInDays: 7 } }, policy)).toEqual({
      args: { deletionWindowInDays: 7, policy: "default-policy" },
    });
  });

  it("keeps a created key's own policy and leaves a brought key alone", () => {
    expect(withDefaultKeyPolicy({ args: { policy: "mine" } }, policy)).toEqual({ args: { policy: "mine" } });
    const existing = { existing: { arn: "arn:aws:kms:us-east-1:123456789012:key/k" } };
    expect(withDefaultKeyPolicy(existing, policy)).toBe(existing);
  });
});
