/** Checks on the pod's volume sources. */
import { joinQuote, pluralize, sortedUnique } from './format';
import { isSet, itemsOf, nameOf, PodManifest } from './manifest';
import { CheckDefinition, Violation } from './types';

export const hostPathVolumesCheck: CheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  title: 'HostPath Volumes',
  versions: [{ minVersion: 0, checkPod: hostPathVolumes }],
};

function hostPathVolumes({ spec }: PodManifest): Violation | undefined {
  const names: string[] = [];
  const fieldPaths: string[] = [];
  itemsOf(spec.volumes).forEach((volume, index) => {
    if (isSet(volume?.hostPath)) {
      names.push(nameOf(volume));
      fieldPaths.push(`spec.volumes[${index}].hostPath`);
    }
  });
  if (names.length === 0) return undefined;
  return {
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`,
    fieldPaths,
  };
}

/** Volume sources that the restricted level allows: none of them reaches outside the pod's own storage. */
const ALLOWED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
];

/** The other in-tree volume sources, in the order upstream tests them (it names the first one found). */
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

export const restrictedVolumesCheck: CheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  title: 'Volume Types',
  // The `image` source was added to the allowed list in place, without a new policy version.
  versions: [{ minVersion: 0, checkPod: restrictedVolumes, overrides: ['hostPathVolumes'] }],
};

function restrictedVolumes({ spec }: PodManifest): Violation | undefined {
  const names: string[] = [];
  const types: string[] = [];
  const fieldPaths: string[] = [];
  itemsOf(spec.volumes).forEach((volume, index) => {
    // The API server defaults a volume with no known source to emptyDir before admission sees it
    // (upstream's fixtures rely on that), so only a volume with a restricted source can fail.
    const source = RESTRICTED_VOLUME_SOURCES.find((name) => isSet(volume?.[name]));
    if (!source || ALLOWED_VOLUME_SOURCES.some((name) => isSet(volume[name]))) return;
    names.push(nameOf(volume));
    types.push(source);
    fieldPaths.push(`spec.volumes[${index}].${source}`);
  });
  if (names.length === 0) return undefined;
  const distinctTypes = sortedUnique(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} `
      + `${pluralize('restricted volume type', 'restricted volume types', distinctTypes.length)} ${joinQuote(distinctTypes)}`,
    fieldPaths,
  };
}
