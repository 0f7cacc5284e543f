import { NEWEST_KUBERNETES_MINOR, parseKubernetesVersion } from './api-versions';
import { RuleInfo } from './finding';
import { PodSecurityLevel } from './pod-security-level';
import { Rule } from './rule';
import { apiVersionRules } from './rules/api-versions';
import { hardeningRules } from './rules/hardening';
import { podSecurityRules } from './rules/pod-security';
import { rbacRules } from './rules/rbac';
import { parsePolicyVersion } from './pss';


/** Options of the Pod Security Standards pack. */
export interface PodSecurityPackOptions {
  /**
   * Level to enforce.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly level?: PodSecurityLevel;
  /**
   * Policy version, as in the `pod-security.kubernetes.io/enforce-version` label: `latest` or `v1.N`.
   * @default 'latest'
   */
  readonly version?: string;
}

/** Options of the API versions pack. */
export interface ApiVersionsPackOptions {
  /**
   * The Kubernetes release the manifests are applied to, `1.N` or `v1.N` (a patch release such as
   * `1.29.3` is accepted), from 1.16 to the newest release this library knows.
   * @default - the newest release this library knows (1.33)
   */
  readonly kubernetesVersion?: string;
}

/** A named set of rules applied together. */
export class PolicyPack {
  /**
   * The Pod Security Standards, evaluated as pod-security-admission does, at a level and policy version.
   * One rule per upstream check, id `PSS-<checkId>`.
   */
  public static podSecurity(options: PodSecurityPackOptions = {}): PolicyPack {
    const level = options.level ?? PodSecurityLevel.RESTRICTED;
    const version = options.version ?? 'latest';
    const minor = parsePolicyVersion(version);
    return new PolicyPack(`PodSecurity(${level}, ${version})`, podSecurityRules(level, minor));
  }

  /** Production-hardening rules beyond PSS (resources, probes, images, PDBs, spread, NetworkPolicies ...), ids `HARD-*`. */
  public static hardening(): PolicyPack {
    return new PolicyPack('Hardening', hardeningRules());
  }

  /**
   * Least privilege for Roles, ClusterRoles and their bindings (wildcards, Secret access, pod
   * creation and exec, escalate/bind/impersonate, nodes/proxy, admission webhooks, cluster-admin, system: groups,
   * default ServiceAccounts), ids `RBAC-*`. Aggregated ClusterRoles count with the parts the audit holds.
   */
  public static rbac(): PolicyPack {
    return new PolicyPack('Rbac', rbacRules());
  }

  /**
   * Removed and deprecated API versions for a target Kubernetes release: an object whose apiVersion
   * the release no longer serves is `API-removed` (HIGH, the replacement in the finding), one it
   * deprecates is `API-deprecated` (LOW). The table follows the Kubernetes deprecated API migration guide.
   * @throws an error naming the value and the accepted range when the version is not known
   */
  public static apiVersions(options: ApiVersionsPackOptions = {}): PolicyPack {
    const minor = options.kubernetesVersion === undefined ? NEWEST_KUBERNETES_MINOR : parseKubernetesVersion(options.kubernetesVersion);
    return new PolicyPack(`ApiVersions(1.${minor})`, apiVersionRules(minor));
  }

  /** The default packs: PodSecurity restricted at `latest`, Hardening, ApiVersions for the newest known release, and Rbac. */
  public static defaults(): PolicyPack[] {
    return [PolicyPack.podSecurity(), PolicyPack.hardening(), PolicyPack.apiVersions(), PolicyPack.rbac()];
  }

  /** The documentation of every rule in the pack. */
  public readonly rules: RuleInfo[];

  private constructor(
    /** Name of the pack, e.g. `PodSecurity(restricted, latest)`. */
    public readonly name: string,
    private readonly ruleSet: Rule[],
  ) {
    this.rules = ruleSet.map(({ check: _check, ...info }) => info);
  }

  /** @internal */
  public _rules(): Rule[] {
    return this.ruleSet;
  }
}
