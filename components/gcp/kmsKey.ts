import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, HelperForm, isKnown, Problems } from "../validation";

/**
 * The one customer-managed encryption key (CMEK) helper of every GCP component (Cloud Storage,
 * Managed Kafka, Memorystore, the Backup and DR vault): create a Cloud KMS key ring and key, or
 * bring a key; grant the services' service agents `roles/cloudkms.cryptoKeyEncrypterDecrypter` on
 * it; and hand back the grants, which the consumer `dependsOn` so that it is created only once its
 * service agent can use the key.
 */

/** The role a Google service agent needs to encrypt and decrypt with a key. */
export const CMEK_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/** Settings for a Cloud KMS key that a component creates. */
export interface GcpKmsKeyArgs {
  /**
   * Days between automatic rotations: Cloud KMS makes a new primary key version every period.
   * Whole days from 2 to 90 (the policy pack's `gcpKmsKeyRotation` allows at most 90 by default).
   * @defaultValue 90
   */
  rotationPeriodDays?: number;
  /**
   * Where the key material lives: `SOFTWARE` or `HSM` (Cloud HSM, FIPS 140-2 Level 3; not offered
   * in every location). External keys (Cloud EKM) are brought with `{ existing }`.
   * @defaultValue "SOFTWARE"
   */
  protectionLevel?: "SOFTWARE" | "HSM";
  /**
   * Days a key version stays scheduled for destruction before it is destroyed (1 to 120), the
   * window in which a mistaken destroy can be undone.
   * @defaultValue 30
   */
  destroyScheduledDays?: number;
}

/** A key brought by the team: its full resource id. */
export interface GcpExistingKmsKey {
  /** `projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>`. */
  keyId: pulumi.Input<string>;
  /**
   * Grant the component's service agents the key (`roles/cloudkms.cryptoKeyEncrypterDecrypter`).
   * Turn off when the key's IAM policy is managed elsewhere and already grants them.
   * @defaultValue true
   */
  grantServiceAgents?: boolean;
}

/**
 * A customer-managed key: create one with rotation (`{ args }`), bring one (`{ existing }`), or
 * encrypt with a Google-managed key (`{ skip: true }`, an explicit opt-out that the policy pack
 * reports; a component may refuse it). Unset means `{ args: {} }`.
 */
export type GcpKmsKeyOption = { existing: GcpExistingKmsKey } | { args: GcpKmsKeyArgs } | { skip: true };

/**
 * A Google service agent to grant the key: a service's API name (`"managedkafka.googleapis.com"`),
 * whose agent `gcp.projects.ServiceIdentity` creates and names; `"storage.googleapis.com"`, the
 * Cloud Storage service agent, which ServiceIdentity does not serve and which
 * `gcp.storage.getProjectServiceAccount` names instead; or an IAM member the caller names (for an
 * agent ServiceIdentity does not create, e.g. `serviceAccount:service-<number>@gcp-sa-backupdr.iam.gserviceaccount.com`),
 * with `name`, a short word for the child resources' names.
 */
export type GcpServiceAgent = string | { name: string; member: pulumi.Input<string> };

/** The Cloud Storage API: its service agent comes from `gcp.storage.getProjectServiceAccount`. */
export const STORAGE_SERVICE = "storage.googleapis.com";

const KEY_ID = /^projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/;

/** The location of a key id, or `undefined` when it is not a full key id. */
export function kmsKeyLocation(keyId: string): string | undefined {
  return KEY_ID.exec(keyId)?.[2];
}

/**
 * Adds a problem for each thing wrong with a key option: its shape (via `helperChoice`), the
 * settings of `args`, a brought key id that is not a full id, or one in another location than
 * `location` (Cloud KMS keys are usable only by resources in their own location).
 *
 * @param options.allowSkip accept `{ skip: true }` (Google-managed encryption) @defaultValue true
 * @param options.why what the key protects, said when `skip` is refused
 * @param options.location the location the key must be in, when known (e.g. `europe-west1`, `eur4`)
 */
export function checkGcpKmsKeyOption(
  p: Problems,
  field: string,
  option: unknown,
  options: { allowSkip?: boolean; why?: string; location?: string } = {},
): void {
  const allowed: HelperForm[] =
    options.allowSkip === false ? ["existing", "args"] : ["existing", "args", "skip"];
  const form = helperChoice(p, field, option, allowed, {
    why: `a customer-managed key is required${options.why ? ` (${options.why})` : ""}`,
  });
  if (form === "args") {
    const args = (option as { args: Record<string, unknown> }).args;
    p.wholeNumber(
      "SEAWALL_GCP_KMS_ROTATION",
      `${field}.args.rotationPeriodDays`,
      args.rotationPeriodDays,
      2,
      90,
      "Cloud KMS rotates no more often than daily, and the policy pack allows at most 90 days",
    );
    const level = args.protectionLevel;
    if (level !== undefined && isKnown(level) && level !== "SOFTWARE" && level !== "HSM") {
      p.add(
        "SEAWALL_GCP_KMS_PROTECTION_LEVEL",
        `${field}.args.protectionLevel`,
        level,
        'must be "SOFTWARE" or "HSM"; bring an external (Cloud EKM) key with { existing: { keyId } }',
      );
    }
    p.wholeNumber(
      "SEAWALL_GCP_KMS_DESTROY_DELAY",
      `${field}.args.destroyScheduledDays`,
      args.destroyScheduledDays,
      1,
      120,
      "Cloud KMS keeps a version scheduled for destruction 1 to 120 days",
    );
  }
  if (form === "existing") {
    const keyId = (option as { existing: Record<string, unknown> }).existing.keyId;
    if (keyId === undefined || (isKnown(keyId) && (typeof keyId !== "string" || !KEY_ID.test(keyId)))) {
      p.add(
        "SEAWALL_GCP_KMS_KEY_ID",
        `${field}.existing.keyId`,
        keyId,
        "must be a full key id, projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>",
      );
    } else if (typeof keyId === "string" && options.location) {
      const at = kmsKeyLocation(keyId);
      if (at && at.toLowerCase() !== options.location.toLowerCase()) {
        p.add(
          "SEAWALL_GCP_KMS_LOCATION",
          `${field}.existing.keyId`,
          keyId,
          `the key is in ${at} but must be in ${options.location.toLowerCase()}, the location of the resource it encrypts; use a key from a key ring there`,
        );
      }
    }
  }
}

/** What {@link gcpKmsKey} made or adopted. */
export interface GcpKmsKey {
  /** The key's full resource id, for a resource's `kmsKey` / `defaultKmsKeyName`; unset on `skip`. */
  keyId?: pulumi.Output<string>;
  /** The service agents' grants on the key: `dependsOn` these so the consumer waits for them. */
  grants: pulumi.Resource[];
  /** The key ring and key, when the helper created them. */
  keyRing?: gcp.kms.KeyRing;
  cryptoKey?: gcp.kms.CryptoKey;
}

/** Settings the consumer decides (the location, who must use the key, protection). */
export interface GcpKmsKeySettings {
  /** The key ring's location: the consumer's region, dual-region or multi-region, lower case. */
  location: pulumi.Input<string>;
  /** The service agents to grant the key. */
  serviceAgents: GcpServiceAgent[];
  /**
   * Protect the key ring and key (`protect`, and the key's `deletionPolicy: "PREVENT"`), as for a
   * stateful store in `prod`: losing the key loses the data.
   * @defaultValue true
   */
  protect?: boolean;
  /** Labels on the key. */
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The project of the key ring and the service agents. @defaultValue the provider's project */
  project?: pulumi.Input<string>;
}

/** A short word for a service agent in child names: `managedkafka` for `managedkafka.googleapis.com`. */
export function serviceAgentName(agent: GcpServiceAgent): string {
  return typeof agent === "string" ? agent.split(".")[0] : agent.name;
}

/**
 * Creates or adopts the key that `option` names (children of `parent`, named from `name`), and
 * grants each of `settings.serviceAgents` the key. Call {@link checkGcpKmsKeyOption} first.
 *
 * Children: `<name>-ring` (`gcp.kms.KeyRing`) and `<name>` (`gcp.kms.CryptoKey`) on `args`;
 * `<name>-<agent>-agent` (`gcp.projects.ServiceIdentity`) per API-named agent other than Cloud
 * Storage; `<name>-<agent>-grant` (`gcp.kms.CryptoKeyIAMMember`) per agent.
 */
export function gcpKmsKey(
  parent: pulumi.Resource,
  name: string,
  option: GcpKmsKeyOption | undefined,
  settings: GcpKmsKeySettings,
): GcpKmsKey {
  if (option && "skip" in option) return { grants: [] };
  const protect = settings.protect ?? true;
  const opts: pulumi.CustomResourceOptions = { parent, protect };
  let keyId: pulumi.Output<string>;
  let keyRing: gcp.kms.KeyRing | undefined;
  let cryptoKey: gcp.kms.CryptoKey | undefined;
  if (option && "existing" in option) {
    keyId = pulumi.output(option.existing.keyId);
    if (option.existing.grantServiceAgents === false) return { keyId, grants: [] };
  } else {
    const args = option?.args ?? {};
    keyRing = new gcp.kms.KeyRing(
      `${name}-ring`,
      { location: settings.location, project: settings.project },
      opts,
    );
    cryptoKey = new gcp.kms.CryptoKey(
      name,
      {
        keyRing: keyRing.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: `${(args.rotationPeriodDays ?? 90) * 86400}s`,
        destroyScheduledDuration: `${(args.destroyScheduledDays ?? 30) * 86400}s`,
        versionTemplate: {
          algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION",
          protectionLevel: args.protectionLevel ?? "SOFTWARE",
        },
        deletionPolicy: protect ? "PREVENT" : "DELETE",
        labels: settings.labels,
      },
      opts,
    );
    keyId = cryptoKey.id;
  }
  const grants = settings.serviceAgents.map((agent) => {
    const short = serviceAgentName(agent);
    let member: pulumi.Input<string>;
    if (typeof agent !== "string") member = agent.member;
    else if (agent === STORAGE_SERVICE)
      member = gcp.storage.getProjectServiceAccountOutput({ project: settings.project }, { parent }).member;
    else
      member = new gcp.projects.ServiceIdentity(
        `${name}-${short}-agent`,
        { service: agent, project: settings.project },
        { parent },
      ).member;
    return new gcp.kms.CryptoKeyIAMMember(
      `${name}-${short}-grant`,
      { cryptoKeyId: keyId, role: CMEK_ROLE, member },
      { parent },
    );
  });
  return { keyId, grants, keyRing, cryptoKey };
}
