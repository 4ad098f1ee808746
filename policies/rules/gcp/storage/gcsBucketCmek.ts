import { resourceRule } from "../../../lib/rule";

export const gcsBucketCmek = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    summary:
      "A Cloud Storage bucket is encrypted with a Google-managed key, so you cannot revoke or audit access per key.",
    description:
      "The Cloud Storage bucket has no encryption.defaultKmsKeyName, so objects are encrypted with Google-managed " +
      "keys. Without a customer-managed key you cannot restrict decryption with KMS IAM, audit each use, or " +
      "crypto-shred the data by disabling the key. Advisory by default; the prod config makes it mandatory.",
    remediation:
      "Set encryption.defaultKmsKeyName to a Cloud KMS key in the bucket's location, and grant the Cloud Storage " +
      "service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on it.",
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) =>
      props.encryption?.defaultKmsKeyName
        ? undefined
        : {
            message: "encryption.defaultKmsKeyName is not set",
            path: "encryption.defaultKmsKeyName",
            value: props.encryption?.defaultKmsKeyName as unknown,
          },
  });
