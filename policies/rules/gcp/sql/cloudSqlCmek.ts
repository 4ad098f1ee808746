import { CLOUD_SQL, isSqlReplica } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const cloudSqlCmek = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [CLOUD_SQL],
    summary:
      "A Cloud SQL instance is encrypted with a Google-managed key, and its key cannot be changed after creation.",
    description:
      "The Cloud SQL instance has no encryptionKeyName, so its disks and backups are encrypted with Google-managed " +
      "keys. Without a customer-managed key you cannot restrict decryption with KMS IAM, audit each use, or " +
      "crypto-shred the database by disabling the key, and Cloud SQL cannot add one later: it takes an export " +
      "and a new instance.",
    remediation:
      "Set encryptionKeyName to a Cloud KMS key in the instance's region, and grant the Cloud SQL service agent " +
      "(gcp.projects.ServiceIdentity for sqladmin.googleapis.com) roles/cloudkms.cryptoKeyEncrypterDecrypter on it " +
      "before the instance is created.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { args }) => {
      // A replica without a key of its own is encrypted as its primary is, which is judged.
      if (isSqlReplica(props) && !props.encryptionKeyName)
        args.notApplicable("a replica without its own key encrypts with its primary's");
      return props.encryptionKeyName
        ? undefined
        : {
            message: "encryptionKeyName is not set",
            path: "encryptionKeyName",
            value: props.encryptionKeyName as unknown,
          };
    },
  });
