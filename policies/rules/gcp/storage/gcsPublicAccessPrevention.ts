import { resourceRule } from "../../../lib/rule";

export const gcsPublicAccessPrevention = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    summary:
      "A Cloud Storage bucket does not enforce public access prevention, so one IAM grant can publish it.",
    description:
      'The Cloud Storage bucket\'s publicAccessPrevention is not "enforced" (the default "inherited" relies on an ' +
      "organization policy the program cannot see). A single allUsers or allAuthenticatedUsers grant then makes " +
      "the data public.",
    remediation: 'Set publicAccessPrevention: "enforced".',
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      const observed: unknown = props.publicAccessPrevention;
      const value = String(observed ?? "inherited");
      return value === "enforced"
        ? undefined
        : {
            message: `publicAccessPrevention is "${value}", not "enforced"`,
            path: "publicAccessPrevention",
            value: observed,
          };
    },
  });
