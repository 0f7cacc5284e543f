/**
 * Spread of replicas over zones and nodes. Both mechanisms are preferences, never requirements:
 * a required anti-affinity leaves replicas Pending when a cluster has fewer nodes than replicas.
 */
export function spreadFields(selectorLabels: { [key: string]: string }, matchLabelKeys: string[]): any {
  const selector = { matchLabels: { ...selectorLabels } };
  return {
    topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
      maxSkew: 1,
      topologyKey,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: selector,
      ...(matchLabelKeys.length > 0 ? { matchLabelKeys: [...matchLabelKeys] } : {}),
    })),
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector },
        }],
      },
    },
  };
}
