import { SeawallPolicy } from "../../lib/rule";
import { gcpKmsKeyRotation } from "./kms/gcpKmsKeyRotation";
import { managedKafkaCmek } from "./managedkafka/managedKafkaCmek";
import { memorystoreAuthEnabled } from "./memorystore/memorystoreAuthEnabled";
import { memorystoreHighAvailability } from "./memorystore/memorystoreHighAvailability";
import { memorystorePersistence } from "./memorystore/memorystorePersistence";
import { memorystoreTransitEncryption } from "./memorystore/memorystoreTransitEncryption";
import { cloudSqlBackupsEnabled } from "./sql/cloudSqlBackupsEnabled";
import { cloudSqlCmek } from "./sql/cloudSqlCmek";
import { cloudSqlNoPublicIp } from "./sql/cloudSqlNoPublicIp";
import { cloudSqlPointInTimeRecovery } from "./sql/cloudSqlPointInTimeRecovery";
import { cloudSqlSslRequired } from "./sql/cloudSqlSslRequired";
import { gcsBucketCmek } from "./storage/gcsBucketCmek";
import { gcsBucketSoftDelete } from "./storage/gcsBucketSoftDelete";
import { gcsBucketVersioning } from "./storage/gcsBucketVersioning";
import { gcsNoPublicIamGrant } from "./storage/gcsNoPublicIamGrant";
import { gcsPublicAccessPrevention } from "./storage/gcsPublicAccessPrevention";
import { gcsUniformBucketLevelAccess } from "./storage/gcsUniformBucketLevelAccess";

export function gcpPolicies(): SeawallPolicy[] {
  return [
    gcsBucketVersioning(),
    gcsUniformBucketLevelAccess(),
    gcsPublicAccessPrevention(),
    gcsNoPublicIamGrant(),
    gcsBucketCmek(),
    gcsBucketSoftDelete(),
    memorystoreAuthEnabled(),
    memorystoreTransitEncryption(),
    memorystorePersistence(),
    memorystoreHighAvailability(),
    managedKafkaCmek(),
    cloudSqlBackupsEnabled(),
    cloudSqlPointInTimeRecovery(),
    cloudSqlSslRequired(),
    cloudSqlNoPublicIp(),
    cloudSqlCmek(),
    gcpKmsKeyRotation(),
  ];
}
