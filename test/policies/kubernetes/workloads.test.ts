import { k8sImagePinned, imageTag } from "../../../policies/rules/kubernetes/workloads/k8sImagePinned";
import { k8sNoPrivilegedContainers } from "../../../policies/rules/kubernetes/workloads/k8sNoPrivilegedContainers";
import { k8sNoPrivilegeEscalation } from "../../../policies/rules/kubernetes/workloads/k8sNoPrivilegeEscalation";
import { k8sReadOnlyRootFilesystem } from "../../../policies/rules/kubernetes/workloads/k8sReadOnlyRootFilesystem";
import { k8sResourceLimits } from "../../../policies/rules/kubernetes/workloads/k8sResourceLimits";
import { k8sRunAsNonRoot } from "../../../policies/rules/kubernetes/workloads/k8sRunAsNonRoot";
import { describeRule, unknown } from "../helpers";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const hardened = {
  name: "worker",
  image: "ghcr.io/seawall/runtime:1.4.2",
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 10001,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
  },
  resources: { limits: { cpu: "1", memory: "512Mi" } },
};
const deployment = (container: object, podSecurityContext?: object, initContainers?: object[]) => ({
  spec: {
    template: { spec: { securityContext: podSecurityContext, containers: [container], initContainers } },
  },
});
const pod = (container: object) => ({ spec: { containers: [container] } });
const cronJob = (container: object) => ({
  spec: { jobTemplate: { spec: { template: { spec: { containers: [container] } } } } },
});
const notWorkload = [
  { name: "does not judge a Service", type: "kubernetes:core/v1:Service", props: { spec: {} } },
  {
    name: "does not judge a Helm release (its values are opaque)",
    type: "kubernetes:helm.sh/v3:Release",
    props: { values: {} },
  },
];

/** The API rejects allowPrivilegeEscalation, readOnlyRootFilesystem and privileged on Windows pods. */
const windowsPod = {
  name: "does not judge a Windows pod, where the API forbids the field",
  props: {
    spec: {
      template: {
        spec: {
          os: { name: "windows" },
          containers: [{ name: "iis", image: "mcr.microsoft.com/windows/servercore/iis:20240612" }],
        },
      },
    },
  },
};

describeRule(k8sRunAsNonRoot, {
  type: DEPLOYMENT,
  compliant: [
    { name: "passes a hardened deployment", props: deployment(hardened) },
    {
      name: "passes runAsNonRoot set on the pod only",
      props: deployment({ name: "w" }, { runAsNonRoot: true }),
    },
    {
      name: "passes a non-zero runAsUser without runAsNonRoot",
      props: deployment({ name: "w", securityContext: { runAsUser: 1000 } }),
    },
    { name: "passes a hardened CronJob", type: "kubernetes:batch/v1:CronJob", props: cronJob(hardened) },
    { name: "passes a workload with no pod spec given", props: { metadata: { name: "x" } } },
  ],
  violating: [
    {
      name: "fails with the Kubernetes default (the image's user)",
      props: deployment({ name: "w" }),
      message: 'container "w" sets neither',
    },
    {
      name: "fails runAsUser 0",
      props: deployment({ name: "w", securityContext: { runAsUser: 0 } }, { runAsNonRoot: true }),
      message: "user 0",
    },
    {
      name: "fails a container overriding the pod's runAsNonRoot",
      props: deployment({ name: "w", securityContext: { runAsNonRoot: false } }, { runAsNonRoot: true }),
      message: "runAsNonRoot: false",
    },
    {
      name: "fails a root init container",
      props: deployment(hardened, undefined, [{ name: "init", securityContext: { runAsUser: 0 } }]),
      message: 'init container "init"',
    },
    { name: "fails a bare Pod", type: "kubernetes:core/v1:Pod", props: pod({ name: "p" }) },
    {
      name: "fails a StatefulSet on an older API version",
      type: "kubernetes:apps/v1beta2:StatefulSet",
      props: deployment({ name: "s" }),
    },
  ],
  notApplicable: notWorkload,
  unknown: [
    {
      name: "skips when the security context is unknown",
      props: deployment({ name: "w", securityContext: unknown.object }),
    },
  ],
});

describeRule(k8sNoPrivilegedContainers, {
  type: DEPLOYMENT,
  compliant: [
    { name: "passes with the default (not privileged)", props: deployment({ name: "w" }) },
    { name: "passes privileged: false", props: deployment(hardened) },
  ],
  violating: [
    {
      name: "fails a privileged container",
      props: deployment({ name: "w", securityContext: { privileged: true } }),
      message: 'container "w" is privileged',
    },
    {
      name: "fails a privileged init container",
      props: deployment(hardened, undefined, [{ name: "i", securityContext: { privileged: true } }]),
    },
    {
      name: "fails a privileged DaemonSet",
      type: "kubernetes:apps/v1:DaemonSet",
      props: deployment({ name: "d", securityContext: { privileged: true } }),
    },
  ],
  notApplicable: notWorkload,
  unknown: [
    {
      name: "skips when privileged is unknown",
      props: deployment({ name: "w", securityContext: { privileged: unknown.boolean } }),
    },
  ],
});

describeRule(k8sNoPrivilegeEscalation, {
  type: DEPLOYMENT,
  compliant: [{ name: "passes allowPrivilegeEscalation: false", props: deployment(hardened) }],
  violating: [
    {
      name: "fails with the Kubernetes default (true)",
      props: deployment({ name: "w" }),
      message: "allowPrivilegeEscalation: false",
    },
    {
      name: "fails explicit true",
      props: deployment({ name: "w", securityContext: { allowPrivilegeEscalation: true } }),
    },
    {
      name: "fails a Job container",
      type: "kubernetes:batch/v1:Job",
      props: deployment({ name: "j", securityContext: {} }),
    },
  ],
  notApplicable: [...notWorkload, windowsPod],
  unknown: [
    {
      name: "skips when the flag is unknown",
      props: deployment({ name: "w", securityContext: { allowPrivilegeEscalation: unknown.boolean } }),
    },
  ],
});

describeRule(k8sReadOnlyRootFilesystem, {
  type: DEPLOYMENT,
  compliant: [{ name: "passes a read-only root filesystem", props: deployment(hardened) }],
  violating: [
    {
      name: "fails with the Kubernetes default (writable)",
      props: deployment({ name: "w" }),
      message: "readOnlyRootFilesystem",
    },
    {
      name: "fails explicit false",
      props: deployment({ name: "w", securityContext: { readOnlyRootFilesystem: false } }),
    },
  ],
  notApplicable: [...notWorkload, windowsPod],
  unknown: [
    {
      name: "skips when the flag is unknown",
      props: deployment({ name: "w", securityContext: { readOnlyRootFilesystem: unknown.boolean } }),
    },
  ],
});

describeRule(k8sResourceLimits, {
  type: DEPLOYMENT,
  compliant: [
    { name: "passes cpu and memory limits", props: deployment(hardened) },
    {
      name: "passes memory only when CPU limits are not required",
      props: deployment({ name: "w", resources: { limits: { memory: "1Gi" } } }),
      config: { requireCpuLimit: false },
    },
    {
      name: "passes an ephemeral container without limits (the API forbids resources on ephemeral containers)",
      type: "kubernetes:core/v1:Pod",
      props: {
        spec: {
          containers: [hardened],
          ephemeralContainers: [
            { name: "debugger", image: "busybox:1.36", securityContext: hardened.securityContext },
          ],
        },
      },
    },
  ],
  violating: [
    { name: "fails with no resources", props: deployment({ name: "w" }), message: "no cpu or memory limit" },
    {
      name: "fails requests without limits",
      props: deployment({ name: "w", resources: { requests: { cpu: "1", memory: "1Gi" } } }),
    },
    {
      name: "fails a missing memory limit",
      props: deployment({ name: "w", resources: { limits: { cpu: "1" } } }),
      message: "no memory limit",
    },
  ],
  notApplicable: notWorkload,
  unknown: [
    {
      name: "skips when limits are unknown",
      props: deployment({ name: "w", resources: { limits: unknown.object } }),
    },
  ],
});

const digest = "sha256:" + "a".repeat(64);
describeRule(k8sImagePinned, {
  type: DEPLOYMENT,
  compliant: [
    { name: "passes a version tag", props: deployment(hardened) },
    { name: "passes a digest", props: deployment({ name: "w", image: `ghcr.io/seawall/runtime@${digest}` }) },
    {
      name: "passes a registry with a port and a tag",
      props: deployment({ name: "w", image: "registry:5000/team/app:2.0" }),
    },
    {
      name: "passes a digest when digests are required",
      props: deployment({ name: "w", image: `app:1@${digest}` }),
      config: { requireDigest: true },
    },
  ],
  violating: [
    {
      name: "fails an untagged image",
      props: deployment({ name: "w", image: "redis" }),
      message: "has no tag",
    },
    {
      name: "fails the latest tag",
      props: deployment({ name: "w", image: "ghcr.io/x/app:latest" }),
      message: "latest tag",
    },
    {
      name: "fails a registry port without a tag",
      props: deployment({ name: "w", image: "registry:5000/team/app" }),
      message: "has no tag",
    },
    {
      name: "fails a tag when digests are required",
      props: deployment(hardened),
      config: { requireDigest: true },
      message: "not pinned by digest",
    },
    { name: "fails a container without an image", props: deployment({ name: "w" }), message: "has no image" },
  ],
  notApplicable: notWorkload,
  unknown: [
    { name: "skips when the image is unknown", props: deployment({ name: "w", image: unknown.string }) },
  ],
});

describe("imageTag", () => {
  it.each([
    ["redis", undefined],
    ["redis:7.2", "7.2"],
    ["registry:5000/app", undefined],
    ["registry:5000/app:1.0@sha256:abc", "1.0"],
  ])("reads the tag of %s", (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
