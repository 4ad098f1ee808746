import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

/**
 * The Seawall policy pack: `pulumi preview --policy-pack policies [--policy-pack-config
 * policies/config/prod.json]`. The policies live in ./policies.ts so they can be imported without
 * starting the pack's server.
 */
new PolicyPack("seawall", {
  description:
    "Encryption, backup, replication, public-access and transport-security rules for data pipelines on AWS, GCP, Azure and Kubernetes.",
  enforcementLevel: "advisory",
  policies: allPolicies(),
});
