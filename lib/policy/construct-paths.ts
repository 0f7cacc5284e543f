import { existsSync, readFileSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { ApiObject, App, Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';

/*
 * cdk8s records construct metadata keyed by object name alone, so the objects of one workload
 * (Deployment, Service, ServiceAccount ... all named `api`) and the same object in several charts
 * share one entry. The library records its own map, keyed by chart, kind, namespace and name,
 * when the cdk8s CLI asks the app to record construct metadata; the validation plugin reads it.
 */

/** File the app writes beside cdk8s's `construct-metadata.json`. */
export const CONSTRUCT_PATHS_FILE = 'cdk8s-hardened.construct-paths.json';

/** One synthesized object and the construct that defines it. */
export interface RecordedObject {
  readonly chartLabel: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly path: string;
}

const RECORDING = Symbol.for('cdk8s-hardened.recordConstructPaths');

/**
 * Makes the App of `scope` write the construct-path map at synthesis when the cdk8s CLI asks for
 * construct metadata (`CDK8S_RECORD_CONSTRUCT_METADATA=true`). Idempotent.
 */
export function recordConstructPaths(scope: IConstruct): void {
  const app = scope.node.root;
  if (!(app instanceof App) || (app as any)[RECORDING]) return;
  (app as any)[RECORDING] = true;
  app.node.addValidation({
    validate: () => {
      // The cdk8s CLI turns recording on through the App's (private) recordConstructMetadata.
      if ((app as any).recordConstructMetadata === true) {
        writeFileSync(join(app.outdir, CONSTRUCT_PATHS_FILE), JSON.stringify({ version: '1', objects: recordedObjects(app) }));
      }
      return [];
    },
  });
}

function recordedObjects(app: App): RecordedObject[] {
  return app.charts.flatMap((chart) => {
    const chartLabel = Names.toDnsLabel(chart);
    return chart.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
      .map((apiObject) => {
        const json = apiObject.toJson();
        return { chartLabel, kind: String(json.kind), namespace: json.metadata?.namespace, name: String(json.metadata?.name), path: apiObject.node.path };
      });
  });
}

/** The object key the map is indexed by: never the name alone. */
export function objectKey(kind: unknown, namespace: unknown, name: unknown): string {
  return typeof namespace === 'string' && namespace !== '' ? `${String(kind)}/${namespace}/${String(name)}` : `${String(kind)}/${String(name)}`;
}

/**
 * Construct paths of synthesized objects, read from the map the app recorded, or, for apps that
 * do not load this library, from cdk8s's name-keyed metadata where the name is unambiguous.
 */
export class ConstructPathIndex {
  /**
   * Reads the map in `outdir` (the directory of the manifests), if any.
   * @param manifestPaths every synthesized manifest file
   * @param nameKeyed cdk8s's construct metadata (`{ [name]: { path } }`)
   * @param nameCounts how many synthesized objects carry each name
   */
  public static load(manifestPaths: readonly string[], nameKeyed: any, nameCounts: Map<string, number>): ConstructPathIndex {
    const recorded: RecordedObject[] = [];
    for (const dir of new Set(manifestPaths.map((p) => join(p, '..')))) {
      const file = join(dir, CONSTRUCT_PATHS_FILE);
      if (!existsSync(file)) continue;
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(parsed?.objects)) recorded.push(...parsed.objects);
    }
    return new ConstructPathIndex(recorded, nameKeyed, nameCounts);
  }

  private readonly byKey = new Map<string, RecordedObject[]>();

  constructor(recorded: RecordedObject[], private readonly nameKeyed: any, private readonly nameCounts: Map<string, number>) {
    for (const object of recorded) {
      const key = objectKey(object.kind, object.namespace, object.name);
      const list = this.byKey.get(key);
      if (list) list.push(object);
      else this.byKey.set(key, [object]);
    }
  }

  /**
   * The construct path of an object of a manifest file; undefined when it cannot be known for certain.
   */
  public pathOf(manifest: any, manifestPath: string): string | undefined {
    const kind = manifest?.kind;
    const name = manifest?.metadata?.name;
    const candidates = this.byKey.get(objectKey(kind, manifest?.metadata?.namespace, name)) ?? [];
    if (candidates.length === 1) return candidates[0].path;
    if (candidates.length > 1) {
      // The same object in several charts: the chart whose output file this is.
      const file = basename(manifestPath);
      const inFile = candidates.filter((c) => file.startsWith(`${c.chartLabel}.`) || new RegExp(`^\\d+-${c.chartLabel}\\.`).test(file));
      return inFile.length === 1 ? inFile[0].path : undefined;
    }
    if (this.byKey.size === 0 && typeof name === 'string' && this.nameCounts.get(name) === 1) {
      const path = this.nameKeyed?.[name]?.path;
      return typeof path === 'string' ? path : undefined;
    }
    return undefined;
  }
}
