import { containersOf, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

interface Config {
  requireDigest: boolean;
}

/** The tag of an image reference, if any: after the last ":" that follows the last "/". */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

export const k8sImagePinned = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary: "A container image is unpinned (no tag, or latest), so what runs changes without a deploy.",
    description:
      "A container image has no tag or the `latest` tag (or, when digests are required, no @sha256 digest). The " +
      "code that runs then changes whenever the image is pushed or a node pulls again: rollouts are not " +
      "reproducible, rollbacks do not roll back, and a compromised registry push goes live silently.",
    remediation: "Reference images by an immutable version tag, or better by digest (name@sha256:...).",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: {
      requireDigest: {
        type: "boolean",
        default: false,
        description: "Require every image to be pinned by @sha256 digest, not only by tag.",
      },
    },
    check: (props, { type, config }) =>
      containersOf(type, props).flatMap(({ label, container, path }) => {
        const image: unknown = container.image;
        const at = (message: string) => [{ message, path: `${path}.image`, value: image }];
        if (typeof image !== "string" || image === "") return at(`${label} has no image`);
        const digest = /@sha256:[0-9a-f]{64}$/.test(image);
        if (digest) return [];
        if (config.requireDigest) return at(`${label} image "${image}" is not pinned by digest`);
        const tag = imageTag(image);
        if (tag === undefined) return at(`${label} image "${image}" has no tag (pulls latest)`);
        if (tag === "latest") return at(`${label} image "${image}" uses the latest tag`);
        return [];
      }),
  });
