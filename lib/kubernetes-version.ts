import { IConstruct } from 'constructs';

const OLDEST_MINOR = 28;
const NEWEST_MINOR = 33;
const TARGET = Symbol.for('cdk8s-hardened.kubernetesVersion');
const RESOLVED = Symbol.for('cdk8s-hardened.kubernetesVersionResolved');

/**
 * The Kubernetes version the manifests are for. It chooses what exists only from some version on:
 * the native preStop `sleep` action (1.30+, the default there, so distroless images need no `sleep`
 * binary) and the Pod Security Standards version HardenedNamespace pins.
 *
 * Set it once for an App or a Chart with `KubernetesVersion.use(scope, version)` before adding
 * workloads, or per construct with the `kubernetesVersion` prop.
 */
export class KubernetesVersion {
  /** Kubernetes 1.28, the default. */
  public static readonly V1_28 = new KubernetesVersion(28);
  /** Kubernetes 1.29. */
  public static readonly V1_29 = new KubernetesVersion(29);
  /** Kubernetes 1.30: the preStop `sleep` action is on by default. */
  public static readonly V1_30 = new KubernetesVersion(30);
  /** Kubernetes 1.31. */
  public static readonly V1_31 = new KubernetesVersion(31);
  /** Kubernetes 1.32. */
  public static readonly V1_32 = new KubernetesVersion(32);
  /** Kubernetes 1.33, the newest supported. */
  public static readonly V1_33 = new KubernetesVersion(33);

  /** The version used where none is set. */
  public static readonly DEFAULT = KubernetesVersion.V1_28;

  /**
   * A version from its text: `1.30` or `v1.30`.
   * @param version major.minor, 1.28 to 1.33
   */
  public static of(version: string): KubernetesVersion {
    const match = /^v?1\.(\d{1,3})$/.exec(String(version).trim());
    if (!match) {
      throw new Error(`Kubernetes version '${version}' is not of the form 1.N: use e.g. '1.30' (supported: ${KubernetesVersion.supportedRange()})`);
    }
    const minor = Number(match[1]);
    if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
      throw new Error(`Kubernetes version 1.${minor} is not supported: use a version from ${KubernetesVersion.supportedRange()}`);
    }
    return KubernetesVersion.ALL[minor - OLDEST_MINOR];
  }

  /**
   * Sets the version for every construct under `scope` (an App, a Chart or any construct) that
   * does not set its own. Call it before adding workloads: they read it when they are created.
   * @param scope the App, Chart or construct the version applies to
   * @param version the target version
   */
  public static use(scope: IConstruct, version: KubernetesVersion): void {
    const previous = (scope as any)[TARGET];
    (scope as any)[TARGET] = version;
    const contradicted = scope.node.findAll().find((c) => (c as any)[RESOLVED] instanceof KubernetesVersion && KubernetesVersion.forScope(c) !== (c as any)[RESOLVED]);
    if (contradicted) {
      (scope as any)[TARGET] = previous;
      throw new Error(`KubernetesVersion.use(${scope.node.path || 'app'}, ${version.name}) comes after '${contradicted.node.path}' was created for ${(contradicted as any)[RESOLVED].name}: set the version before adding constructs`);
    }
  }

  /**
   * The version that applies to a construct: its nearest scope's `use`, else the default (1.28).
   * @param scope the construct
   */
  public static forScope(scope: IConstruct): KubernetesVersion {
    for (const s of [...scope.node.scopes].reverse()) {
      const version = (s as any)[TARGET];
      if (version instanceof KubernetesVersion) return version;
    }
    return KubernetesVersion.DEFAULT;
  }

  /**
   * The version a construct renders for: its own prop, else `forScope`. A version taken from the
   * scope is recorded, so a later `use` that would change it fails instead of being ignored.
   * @internal
   */
  public static _resolve(scope: IConstruct, own: KubernetesVersion | undefined): KubernetesVersion {
    if (own !== undefined) return own;
    const version = KubernetesVersion.forScope(scope);
    (scope as any)[RESOLVED] = version;
    return version;
  }

  private static get ALL(): KubernetesVersion[] {
    return [KubernetesVersion.V1_28, KubernetesVersion.V1_29, KubernetesVersion.V1_30, KubernetesVersion.V1_31, KubernetesVersion.V1_32, KubernetesVersion.V1_33];
  }

  private static supportedRange(): string {
    return `1.${OLDEST_MINOR} to 1.${NEWEST_MINOR}`;
  }

  /** The version as Kubernetes writes it: `1.30`. */
  public readonly name: string;

  private constructor(
    /** The minor version: 30 for 1.30. */
    public readonly minor: number) {
    this.name = `1.${minor}`;
  }

  /**
   * Whether this version is the other one or newer.
   * @param other the version to compare with
   */
  public isAtLeast(other: KubernetesVersion): boolean {
    return this.minor >= other.minor;
  }

  /** The Pod Security Standards policy version of this release: `v1.30`. */
  public get podSecurityVersion(): string {
    return `v${this.name}`;
  }

  /** The version as text: `1.30`. */
  public toString(): string {
    return this.name;
  }
}
