import { SeawallPolicy } from "../../lib/rule";
import { awsBackupCoversStatefulResources } from "./backup/awsBackupCoversStatefulResources";
import { backupVaultCmk } from "./backup/backupVaultCmk";
import { logGroupEncrypted } from "./cloudwatch/logGroupEncrypted";
import { logGroupRetention } from "./cloudwatch/logGroupRetention";
import { ebsVolumeEncrypted } from "./ebs/ebsVolumeEncrypted";
import { awsAllowedRegions } from "./general/awsAllowedRegions";
import { awsRequiredTags } from "./general/awsRequiredTags";
import { elasticacheAuthRequired } from "./elasticache/elasticacheAuthRequired";
import { elasticacheEncryptionAtRest } from "./elasticache/elasticacheEncryptionAtRest";
import { elasticacheEncryptionInTransit } from "./elasticache/elasticacheEncryptionInTransit";
import { elasticacheMultiAz } from "./elasticache/elasticacheMultiAz";
import { elasticacheSnapshotRetention } from "./elasticache/elasticacheSnapshotRetention";
import { kmsKeyRotationEnabled } from "./kms/kmsKeyRotationEnabled";
import { mskBrokerLogsEnabled } from "./msk/mskBrokerLogsEnabled";
import { mskClientAuthentication } from "./msk/mskClientAuthentication";
import { mskEncryptionAtRestCmk } from "./msk/mskEncryptionAtRestCmk";
import { mskNoPublicAccess } from "./msk/mskNoPublicAccess";
import { mskTlsInTransit } from "./msk/mskTlsInTransit";
import { rdsBackupRetention } from "./rds/rdsBackupRetention";
import { rdsDeletionProtection } from "./rds/rdsDeletionProtection";
import { rdsEncryptedWithCmk } from "./rds/rdsEncryptedWithCmk";
import { rdsNotPubliclyAccessible } from "./rds/rdsNotPubliclyAccessible";
import { rdsStorageEncrypted } from "./rds/rdsStorageEncrypted";
import { s3BucketEncryptedWithCmk } from "./s3/s3BucketEncryptedWithCmk";
import { s3BucketNoPublicAcl } from "./s3/s3BucketNoPublicAcl";
import { s3BucketOwnerEnforced } from "./s3/s3BucketOwnerEnforced";
import { s3BucketEncryptionAttached } from "./s3/s3BucketEncryptionAttached";
import { s3BucketPolicyAttached } from "./s3/s3BucketPolicyAttached";
import { s3BucketPublicAccessBlockAttached } from "./s3/s3BucketPublicAccessBlockAttached";
import { s3BucketVersioningAttached } from "./s3/s3BucketVersioningAttached";
import { s3BucketPublicAccessBlocked } from "./s3/s3BucketPublicAccessBlocked";
import { s3BucketReplicatesInProduction } from "./s3/s3BucketReplicatesInProduction";
import { s3BucketTlsOnlyPolicy } from "./s3/s3BucketTlsOnlyPolicy";
import { s3BucketVersioningEnabled } from "./s3/s3BucketVersioningEnabled";
import { s3ReplicationRulesEnabled } from "./s3/s3ReplicationRulesEnabled";
import { snsTopicEncrypted } from "./sns/snsTopicEncrypted";
import { sqsQueueEncrypted } from "./sqs/sqsQueueEncrypted";

export function awsPolicies(): SeawallPolicy[] {
  return [
    s3BucketEncryptedWithCmk(),
    s3BucketVersioningEnabled(),
    s3BucketPublicAccessBlocked(),
    s3BucketTlsOnlyPolicy(),
    s3BucketNoPublicAcl(),
    s3BucketOwnerEnforced(),
    s3ReplicationRulesEnabled(),
    s3BucketVersioningAttached(),
    s3BucketEncryptionAttached(),
    s3BucketPublicAccessBlockAttached(),
    s3BucketPolicyAttached(),
    s3BucketReplicatesInProduction(),
    mskEncryptionAtRestCmk(),
    mskTlsInTransit(),
    mskClientAuthentication(),
    mskNoPublicAccess(),
    mskBrokerLogsEnabled(),
    elasticacheEncryptionAtRest(),
    elasticacheEncryptionInTransit(),
    elasticacheAuthRequired(),
    elasticacheSnapshotRetention(),
    elasticacheMultiAz(),
    rdsStorageEncrypted(),
    rdsEncryptedWithCmk(),
    rdsBackupRetention(),
    rdsDeletionProtection(),
    rdsNotPubliclyAccessible(),
    ebsVolumeEncrypted(),
    kmsKeyRotationEnabled(),
    backupVaultCmk(),
    awsBackupCoversStatefulResources(),
    snsTopicEncrypted(),
    sqsQueueEncrypted(),
    logGroupEncrypted(),
    logGroupRetention(),
    awsAllowedRegions(),
    awsRequiredTags(),
  ];
}
