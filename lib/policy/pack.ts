import { RuleInfo } from './finding';
import { PodSecurityLevel } from './pod-security-level';
import { Rule } from './rule';
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

  /** The default packs: PodSecurity restricted at `latest`, Hardening and Rbac. */
  public static defaults(): PolicyPack[] {
    return [PolicyPack.podSecurity(), PolicyPack.hardening(), PolicyPack.rbac()];
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
