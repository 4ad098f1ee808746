import { SeawallPolicy } from "../../lib/rule";
import { strimziKafkaListenersSecure } from "./strimzi/strimziKafkaListenersSecure";
import { k8sImagePinned } from "./workloads/k8sImagePinned";
import { k8sNoPrivilegedContainers } from "./workloads/k8sNoPrivilegedContainers";
import { k8sNoPrivilegeEscalation } from "./workloads/k8sNoPrivilegeEscalation";
import { k8sReadOnlyRootFilesystem } from "./workloads/k8sReadOnlyRootFilesystem";
import { k8sResourceLimits } from "./workloads/k8sResourceLimits";
import { k8sRunAsNonRoot } from "./workloads/k8sRunAsNonRoot";

export function kubernetesPolicies(): SeawallPolicy[] {
  return [
    k8sRunAsNonRoot(),
    k8sNoPrivilegedContainers(),
    k8sNoPrivilegeEscalation(),
    k8sReadOnlyRootFilesystem(),
    k8sResourceLimits(),
    k8sImagePinned(),
    strimziKafkaListenersSecure(),
  ];
}
