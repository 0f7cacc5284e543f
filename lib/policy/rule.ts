import { RuleInfo, Severity } from './finding';
import { asString, field, text } from './shape';

/** An object under audit, with where it came from. */
export interface AuditObject {
  /** The manifest as plain JSON. */
  readonly manifest: any;
  /** Construct path, when audited in a construct tree. */
  readonly constructPath?: string;
  /** Source file, when audited from files. */
  readonly file?: string;
  /** 1-based line of the document in the file. */
  readonly line?: number;
  /** The Helm template the document was rendered from (its `# Source:` comment). */
  readonly sourceTemplate?: string;
  /** Line and column of a field path in the file (the nearest existing ancestor when the field is absent). */
  readonly locate?: (fieldPath: string) => { readonly line: number; readonly column: number };
  /** Suppressions from the construct tree: rule id → reason. */
  readonly suppressions?: ReadonlyMap<string, string>;
  /**
   * The deployable unit the object belongs to (a chart, a file): cross-object rules look only at
   * objects of the same unit. Objects without a unit form one unit together.
   */
  readonly unit?: string;
}

/** A violation as a rule reports it; the engine adds the rule's metadata and the object. */
export interface Violation {
  /** Path of the offending field inside the object. */
  readonly fieldPath: string;
  /** What is wrong, specifically (names the container, the value). */
  readonly message: string;
  /** A fix more specific than the rule's, if any. */
  readonly fix?: string;
  /** A severity other than the rule's, for a violation that is worse than the rule's usual case. */
  readonly severity?: Severity;
}

/**
 * Everything a rule may look at besides its object: the other objects of its unit (see
 * {@link AuditObject.unit}), indexed once so cross-object rules stay linear.
 */
export class AuditContext {
  private readonly byNamespaceKind = new Map<string, AuditObject[]>();

  constructor(public readonly objects: readonly AuditObject[]) {
    for (const object of objects) {
      const key = AuditContext.key(namespaceOf(object.manifest), text(field(object.manifest, 'kind')));
      const list = this.byNamespaceKind.get(key);
      if (list) list.push(object);
      else this.byNamespaceKind.set(key, [object]);
    }
  }

  private static key(namespace: string, kind: string): string {
    return `${namespace}\u0000${kind}`;
  }

  /** Objects of a kind in a namespace. */
  public inNamespace(namespace: string, kind: string): readonly AuditObject[] {
    return this.byNamespaceKind.get(AuditContext.key(namespace, kind)) ?? [];
  }

}

/** The namespace an object lives in; objects without one are treated as `default`. */
export function namespaceOf(manifest: unknown): string {
  return asString(field(manifest, 'metadata', 'namespace')) || 'default';
}

/** A rule: its documentation and its check. */
export interface Rule extends RuleInfo {
  /** Returns the violations of one object (empty when it passes or does not apply). */
  check(object: AuditObject, context: AuditContext): Violation[];
}
