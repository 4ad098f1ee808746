import { SeawallPolicy } from "../../lib/rule";
import { eventHubsKafkaTier } from "./eventhub/eventHubsKafkaTier";
import { eventHubsLocalAuthDisabled } from "./eventhub/eventHubsLocalAuthDisabled";
import { eventHubsMinimumTls12 } from "./eventhub/eventHubsMinimumTls12";
import { postgresBackupRetention } from "./postgresql/postgresBackupRetention";
import { postgresGeoRedundantBackup } from "./postgresql/postgresGeoRedundantBackup";
import { azureRedisMinimumTls12 } from "./redis/azureRedisMinimumTls12";
import { azureRedisNoPublicNetwork } from "./redis/azureRedisNoPublicNetwork";
import { azureRedisTlsOnly } from "./redis/azureRedisTlsOnly";
import { blobContainerNoPublicAccess } from "./storage/blobContainerNoPublicAccess";
import { blobPointInTimeRestore } from "./storage/blobPointInTimeRestore";
import { blobSoftDeleteEnabled } from "./storage/blobSoftDeleteEnabled";
import { blobVersioningEnabled } from "./storage/blobVersioningEnabled";
import { storageAccountBlobServiceAttached } from "./storage/storageAccountBlobServiceAttached";
import { storageGeoRedundant } from "./storage/storageGeoRedundant";
import { storageHttpsOnly } from "./storage/storageHttpsOnly";
import { storageInfrastructureEncryption } from "./storage/storageInfrastructureEncryption";
import { storageMinimumTls12 } from "./storage/storageMinimumTls12";
import { storageNetworkRestricted } from "./storage/storageNetworkRestricted";
import { storageNoPublicBlobAccess } from "./storage/storageNoPublicBlobAccess";
import { storageSharedKeyDisabled } from "./storage/storageSharedKeyDisabled";

export function azurePolicies(): SeawallPolicy[] {
  return [
    storageHttpsOnly(),
    storageMinimumTls12(),
    storageNoPublicBlobAccess(),
    blobContainerNoPublicAccess(),
    storageNetworkRestricted(),
    storageGeoRedundant(),
    storageSharedKeyDisabled(),
    storageInfrastructureEncryption(),
    blobVersioningEnabled(),
    blobSoftDeleteEnabled(),
    blobPointInTimeRestore(),
    storageAccountBlobServiceAttached(),
    azureRedisTlsOnly(),
    azureRedisMinimumTls12(),
    azureRedisNoPublicNetwork(),
    eventHubsMinimumTls12(),
    eventHubsLocalAuthDisabled(),
    eventHubsKafkaTier(),
    postgresGeoRedundantBackup(),
    postgresBackupRetention(),
  ];
}
