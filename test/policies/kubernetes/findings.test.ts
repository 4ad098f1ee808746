import { strimziKafkaListenersSecure } from "../../../policies/rules/kubernetes/strimzi/strimziKafkaListenersSecure";
import { k8sImagePinned } from "../../../policies/rules/kubernetes/workloads/k8sImagePinned";
import { k8sNoPrivilegedContainers } from "../../../policies/rules/kubernetes/workloads/k8sNoPrivilegedContainers";
import { k8sNoPrivilegeEscalation } from "../../../policies/rules/kubernetes/workloads/k8sNoPrivilegeEscalation";
import { k8sReadOnlyRootFilesystem } from "../../../policies/rules/kubernetes/workloads/k8sReadOnlyRootFilesystem";
import { k8sResourceLimits } from "../../../policies/rules/kubernetes/workloads/k8sResourceLimits";
import { k8sRunAsNonRoot } from "../../../policies/rules/kubernetes/workloads/k8sRunAsNonRoot";
import { resourceFindings } from "../findingHelpers";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const deployment = (containers: object[], podSecurityContext?: object, initContainers?: object[]) => ({
  spec: { template: { spec: { securityContext: podSecurityContext, containers, initContainers } } },
});

describe("Kubernetes findings name the container's property path and the observed value", () => {
  it("k8sRunAsNonRoot: the container's own runAsUser 0", () => {
    const props = deployment(
      [
        { name: "a", securityContext: { runAsNonRoot: true } },
        { name: "w", securityContext: { runAsUser: 0 } },
      ],
      {
        runAsNonRoot: true,
      },
    );
    expect(resourceFindings(k8sRunAsNonRoot(), DEPLOYMENT, props)).toEqual([
      {
        message: 'container "w" runs as user 0 (root)',
        path: "spec.template.spec.containers[1].securityContext.runAsUser",
        value: 0,
      },
    ]);
  });
  it("k8sRunAsNonRoot: the pod's runAsNonRoot false inherited by a container", () => {
    const props = deployment([{ name: "w" }], { runAsNonRoot: false });
    expect(resourceFindings(k8sRunAsNonRoot(), DEPLOYMENT, props)).toEqual([
      {
        message: 'container "w" sets runAsNonRoot: false',
        path: "spec.template.spec.securityContext.runAsNonRoot",
        value: false,
      },
    ]);
  });
  it("k8sRunAsNonRoot: nothing set, on a Pod", () => {
    expect(
      resourceFindings(k8sRunAsNonRoot(), "kubernetes:core/v1:Pod", {
        spec: { containers: [{ name: "w" }] },
      }),
    ).toEqual([
      {
        message: 'container "w" sets neither runAsNonRoot: true nor a non-zero runAsUser',
        path: "spec.containers[0].securityContext.runAsNonRoot",
        value: undefined,
      },
    ]);
  });
  it("k8sNoPrivilegedContainers: an init container", () => {
    const props = deployment([{ name: "w" }], undefined, [
      { name: "init", securityContext: { privileged: true } },
    ]);
    expect(resourceFindings(k8sNoPrivilegedContainers(), DEPLOYMENT, props)).toEqual([
      {
        message: 'init container "init" is privileged',
        path: "spec.template.spec.initContainers[0].securityContext.privileged",
        value: true,
      },
    ]);
  });
  it("k8sNoPrivilegeEscalation: explicit true on a CronJob", () => {
    const props = {
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: "w", securityContext: { allowPrivilegeEscalation: true } }] },
            },
          },
        },
      },
    };
    expect(resourceFindings(k8sNoPrivilegeEscalation(), "kubernetes:batch/v1:CronJob", props)).toEqual([
      {
        message: 'container "w" does not set allowPrivilegeEscalation: false',
        path: "spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        value: true,
      },
    ]);
  });
  it("k8sReadOnlyRootFilesystem: unset", () => {
    expect(resourceFindings(k8sReadOnlyRootFilesystem(), DEPLOYMENT, deployment([{ name: "w" }]))).toEqual([
      {
        message: 'container "w" does not set readOnlyRootFilesystem: true',
        path: "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
        value: undefined,
      },
    ]);
  });
  it("k8sResourceLimits: the missing memory limit", () => {
    const props = deployment([{ name: "w", resources: { limits: { cpu: "1" } } }]);
    expect(resourceFindings(k8sResourceLimits(), DEPLOYMENT, props)).toEqual([
      {
        message: 'container "w" has no memory limit',
        path: "spec.template.spec.containers[0].resources.limits.memory",
        value: undefined,
      },
    ]);
  });
  it("k8sImagePinned: the latest tag", () => {
    const props = deployment([{ name: "w", image: "redis:latest" }]);
    expect(resourceFindings(k8sImagePinned(), DEPLOYMENT, props)).toEqual([
      {
        message: 'container "w" image "redis:latest" uses the latest tag',
        path: "spec.template.spec.containers[0].image",
        value: "redis:latest",
      },
    ]);
  });
  it("strimziKafkaListenersSecure: a plaintext, unauthenticated listener", () => {
    const props = {
      spec: {
        kafka: {
          listeners: [
            { name: "tls", tls: true, authentication: { type: "tls" } },
            { name: "plain", tls: false },
          ],
        },
      },
    };
    expect(
      resourceFindings(strimziKafkaListenersSecure(), "kubernetes:kafka.strimzi.io/v1beta2:Kafka", props),
    ).toEqual([
      { message: 'listener "plain" has tls false', path: "spec.kafka.listeners[1].tls", value: false },
      {
        message: 'listener "plain" has no authentication',
        path: "spec.kafka.listeners[1].authentication.type",
        value: undefined,
      },
    ]);
  });
});
