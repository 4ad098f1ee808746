/**
 * Pure logic of Airflow's remote task logs in the lake's Blob container: the Airflow settings, the
 * `wasb` connection (no key: the workload identity), and the role assignment condition that keeps
 * Airflow's identity to the logs prefix. No resources here.
 */
import { AIRFLOW_LOGS_PREFIX } from "../kubernetes/airflowContract";

/** The connection id Airflow's Blob hook (`WasbHook`) and task log handler use by default. */
export const WASB_CONNECTION_ID = "wasb_default";

/**
 * `[logging] remote_base_log_folder` for Blob: `wasb://` selects Airflow's Blob task log handler and
 * the rest is the blob name prefix. Airflow 3 (with PR apache/airflow#61013, in the chart's default
 * 3.2.0) strips `wasb://`, so the logs land under {@link AIRFLOW_LOGS_PREFIX}; the container is not
 * part of it but `[azure_remote_logging] remote_wasb_log_container`, and the account is the
 * connection's host.
 */
export const WASB_BASE_LOG_FOLDER = `wasb://${AIRFLOW_LOGS_PREFIX.replace(/\/$/, "")}`;

/** The environment variable of `[azure_remote_logging] remote_wasb_log_container`. */
export const WASB_LOG_CONTAINER_ENV = "AIRFLOW__AZURE_REMOTE_LOGGING__REMOTE_WASB_LOG_CONTAINER";

/**
 * The `wasb` connection in Airflow's JSON form: the account's Blob endpoint as the host, and the
 * extras `managed_identity_client_id` and `workload_identity_tenant_id`, with which the hook's
 * `get_conn` builds `DefaultAzureCredential(managed_identity_client_id=..., workload_identity_tenant_id=...)`
 * (apache-airflow-providers-microsoft-azure `hooks/wasb.py` and `utils.py`,
 * `_get_default_azure_credential`): its workload identity credential reads the token AKS projects
 * into the pod. No login, password, key or SAS token.
 */
export function wasbConnection(accountName: string, clientId: string, tenantId: string): string {
  return JSON.stringify({
    conn_type: "wasb",
    host: `https://${accountName}.blob.core.windows.net/`,
    extra: { managed_identity_client_id: clientId, workload_identity_tenant_id: tenantId },
  });
}

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

/**
 * The data actions of "Storage Blob Data Contributor" the condition governs: every one the role has
 * (read, write, create/append, delete, rename).
 */
export const BLOB_DATA_ACTIONS = ["read", "write", "add/action", "delete", "move/action"].map(
  (a) => `${BLOBS}/${a}`,
);

/**
 * An Azure ABAC condition (version 2.0) for a "Storage Blob Data Contributor" assignment: every
 * read, write, create, delete and rename of a blob only under `prefix` (`@Resource[...blobs:path]`),
 * and every listing only of names under it (`@Request[...blobs:prefix]`, the `Blob.List`
 * suboperation, which has no blob path). Shaped as Azure's "Read blobs in named containers with a
 * path" example: https://learn.microsoft.com/azure/storage/blobs/storage-auth-abac-examples
 */
export function blobPrefixCondition(prefix: string): string {
  const quoted = `'${prefix.replace(/'/g, "")}'`;
  const notBlobActions = BLOB_DATA_ACTIONS.map((action) =>
    action.endsWith("/read")
      ? `!(ActionMatches{'${action}'} AND NOT SubOperationMatches{'Blob.List'})`
      : `!(ActionMatches{'${action}'})`,
  ).join(" AND ");
  return [
    `((${notBlobActions}) OR (@Resource[${BLOBS}:path] StringStartsWith ${quoted}))`,
    `((!(ActionMatches{'${BLOBS}/read'} AND SubOperationMatches{'Blob.List'})) OR (@Request[${BLOBS}:prefix] StringStartsWith ${quoted}))`,
  ].join(" AND ");
}
