/**
 * The end-to-end suite's view of the k8s-node cluster: kubectl, the kit's scripts, a direct API
 * client (for watches and fast polling), namespaces, and manifests written to temporary folders.
 * Every wait is bounded in time; every request goes to 127.0.0.1 or the pod network 10.88.0.0/16.
 */
import { execFile, spawn } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as https from 'https';
import * as http from 'http';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Chart, Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { KubernetesVersion } from '../../lib';
import { synth } from '../util/synth';

/** The kit folder: `../shared/k8s-node` beside the project, or `K8S_NODE_KIT`. */
export const KIT = process.env.K8S_NODE_KIT ?? resolve(__dirname, '../../../shared/k8s-node');
export const KUBECONFIG = '/tmp/k8s-node/kubeconfig';
const POD_NETWORK = /^10\.88\.\d{1,3}\.\d{1,3}$/;
/** Tells this run's namespaces from those of an earlier run that may still be terminating. */
export const RUN_ID = Date.now().toString(36).slice(-5);

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without a shell; never throws on a non-zero exit, always bounded by `timeoutS`. */
export function run(file: string, args: string[], options: { timeoutS?: number; env?: { [k: string]: string }; input?: string } = {}): Promise<RunResult> {
  return new Promise((done) => {
    const child = execFile(file, args, {
      env: { ...process.env, KUBECONFIG, ...(options.env ?? {}) },
      timeout: (options.timeoutS ?? 120) * 1000,
      maxBuffer: 64 * 1024 * 1024,
      killSignal: 'SIGKILL',
    }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : 124) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** kubectl with the kit's kubeconfig; throws with its output when it fails. */
export async function kubectl(args: string[], options: { timeoutS?: number; input?: string } = {}): Promise<string> {
  const result = await run('kubectl', args, options);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/** kubectl ... -o json, parsed. */
export async function kubectlJson(args: string[]): Promise<any> {
  return JSON.parse(await kubectl([...args, '-o', 'json']));
}

/** Runs one of the kit's scripts (apply-and-wait.sh, load-image.sh, ...). */
export function kitScript(script: string, args: string[], options: { timeoutS?: number; env?: { [k: string]: string } } = {}): Promise<RunResult> {
  return run('bash', [join(KIT, script), ...args], options);
}

/** `apply-and-wait.sh DIR TIMEOUT`; returns its output, throws with the output on failure. */
export async function applyAndWait(path: string, options: { namespace?: string; timeoutS?: number; env?: { [k: string]: string } } = {}): Promise<string> {
  const timeoutS = options.timeoutS ?? 180;
  const env = { ...(options.env ?? {}), ...(options.namespace ? { NAMESPACE: options.namespace } : {}) };
  const result = await kitScript('apply-and-wait.sh', [path, String(timeoutS)], { timeoutS: timeoutS + 120, env });
  const output = `${result.stdout}${result.stderr}`;
  if (result.code !== 0) throw new Error(`apply-and-wait.sh ${path} failed (${result.code}):\n${output}`);
  return output;
}

let scratch: string | undefined;

/** A fresh folder under this test file's scratch folder (see `removeTempDirs`). */
export function tempDir(prefix: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'cdk8s-hardened-e2e-'));
  return mkdtempSync(join(scratch, `${prefix}-`));
}

/** Removes the scratch folder: every test file calls it in `afterAll`. */
export function removeTempDirs(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** The Kubernetes version of the kit's cluster. */
export const CLUSTER_VERSION = KubernetesVersion.V1_32;

/** A chart in a fresh app that targets `version` (the cluster's by default). */
export function clusterChart(namespace: string, version: KubernetesVersion = CLUSTER_VERSION): Chart {
  const app = Testing.app();
  KubernetesVersion.use(app, version);
  return new Chart(app, 'e2e', { namespace });
}

/** Synthesizes charts (each checked by the project's schema and policy helper) into a fresh folder. */
export function writeCharts(prefix: string, charts: Chart[]): string {
  const dir = tempDir(prefix);
  charts.forEach((chart, index) => writeManifests(join(dir, `${index}.yaml`), synth(chart)));
  return dir;
}

/**
 * Writes manifests as one multi-document YAML file, in YAML 1.1 as cdk8s writes them: kubectl reads
 * 1.1, so a string such as `yes` must come out quoted or it arrives as a boolean.
 */
export function writeManifests(file: string, manifests: any[]): void {
  writeFileSync(file, manifests.map((m) => stringify(m, { version: '1.1' })).join('---\n'));
}

/** Creates a namespace that enforces a Pod Security level (and warns and audits at it). */
export async function createNamespace(name: string, level = 'restricted'): Promise<void> {
  await kubectl(['create', 'namespace', name]);
  await kubectl(['label', '--overwrite', 'namespace', name, ...['enforce', 'warn', 'audit'].map((mode) => `pod-security.kubernetes.io/${mode}=${level}`)]);
}

/** Deletes namespaces without waiting for their pods to finish. */
export async function deleteNamespaces(names: string[]): Promise<void> {
  if (names.length === 0) return;
  await run('kubectl', ['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Polls `check` until it returns a value other than undefined; throws `what` after `timeoutS`. */
export async function waitFor<T>(what: string, timeoutS: number, check: () => Promise<T | undefined>, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutS}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** Prints a figure line that stands out in the jest output. */
export function report(line: string): void {
  process.stdout.write(`  [e2e] ${line}\n`);
}

/** Times a scenario and prints its duration, also when it fails. */
export async function timed<T>(scenario: string, body: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await body();
  } finally {
    report(`scenario '${scenario}' took ${seconds(Date.now() - start)}`);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A unique namespace name for a scenario. */
export function scenarioNamespace(scenario: string): string {
  return `e2e-${scenario}-${RUN_ID}`.slice(0, 63);
}

/**
 * A small client of the API server with the kit's admin credentials: GET and watch, used where
 * spawning kubectl would be too slow or too coarse (continuous EndpointSlice reads, watches).
 */
export class ApiClient {
  public static fromKubeconfig(path = KUBECONFIG): ApiClient {
    const config = parse(readFileSync(path, 'utf8'));
    const cluster = config.clusters[0].cluster;
    const user = config.users[0].user;
    const decode = (data: string) => Buffer.from(data, 'base64');
    const server = new URL(cluster.server);
    if (server.hostname !== '127.0.0.1') throw new Error(`the kubeconfig names API server ${cluster.server}: the suite talks only to 127.0.0.1`);
    return new ApiClient(server, new https.Agent({
      ca: decode(cluster['certificate-authority-data']),
      cert: decode(user['client-certificate-data']),
      key: decode(user['client-key-data']),
      keepAlive: true,
    }));
  }

  private constructor(private readonly server: URL, private readonly agent: https.Agent) {}

  /** Closes the kept-alive connections. */
  public close(): void {
    this.agent.destroy();
  }

  /** GET a path such as `/api/v1/namespaces/x/pods`; throws on a non-2xx answer. */
  public get(path: string, timeoutMs = 10000): Promise<any> {
    return new Promise((done, fail) => {
      const request = https.get({ host: this.server.hostname, port: this.server.port, path, agent: this.agent, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          if ((response.statusCode ?? 0) >= 300) fail(new Error(`GET ${path}: ${response.statusCode} ${body.slice(0, 300)}`));
          else done(JSON.parse(body));
        });
      });
      request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out after ${timeoutMs}ms`)));
      request.on('error', fail);
    });
  }

  /** POST a JSON body; resolves with the status code and the parsed answer, whatever the status. */
  public post(path: string, body: unknown, timeoutMs = 10000): Promise<{ status: number; body: any }> {
    const data = JSON.stringify(body);
    return new Promise((done, fail) => {
      const request = https.request({
        method: 'POST', host: this.server.hostname, port: this.server.port, path, agent: this.agent, timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: any = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          done({ status: response.statusCode ?? 0, body: parsed });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`POST ${path} timed out after ${timeoutMs}ms`)));
      request.on('error', fail);
      request.end(data);
    });
  }

  /**
   * Watches a collection (`?watch=1` is added) and calls `onEvent` with each event and its arrival
   * time. Returns a function that stops the watch. The server ends the watch after `timeoutS`.
   */
  public watch(path: string, onEvent: (type: string, object: any, at: number) => void, timeoutS = 600): () => void {
    const separator = path.includes('?') ? '&' : '?';
    const request = https.get({
      host: this.server.hostname, port: this.server.port, agent: this.agent,
      path: `${path}${separator}watch=1&timeoutSeconds=${timeoutS}&allowWatchBookmarks=false`,
    }, (response) => {
      let buffer = '';
      response.on('data', (chunk) => {
        const at = Date.now();
        buffer += chunk.toString();
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) {
            const event = JSON.parse(line);
            onEvent(event.type, event.object, at);
          }
          newline = buffer.indexOf('\n');
        }
      });
    });
    request.on('error', () => undefined);
    return () => request.destroy();
  }
}

/** Result of one HTTP request to a pod. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** GET http://ip:port/path on the pod network, with a timeout. */
export function httpGetPod(ip: string, port: number, path: string, timeoutMs = 2000): Promise<ProbeResult> {
  if (!POD_NETWORK.test(ip)) return Promise.resolve({ ok: false, detail: `refused to send to ${ip}: not in 10.88.0.0/16` });
  return new Promise((done) => {
    const request = http.get({ host: ip, port, path, timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      response.on('end', () => done({ ok: response.statusCode === 200, detail: `HTTP ${response.statusCode}` }));
    });
    request.on('timeout', () => request.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    request.on('error', (error) => done({ ok: false, detail: error.message }));
  });
}

/** Ready endpoints (addresses) of a Service's EndpointSlices. */
export function readyEndpoints(slices: any): { ready: string[]; terminating: string[] } {
  const ready: string[] = [];
  const terminating: string[] = [];
  for (const slice of slices.items ?? []) {
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses?.[0];
      if (!address) continue;
      if (endpoint.conditions?.ready === true) ready.push(address);
      else terminating.push(address);
    }
  }
  return { ready: ready.sort(), terminating };
}

/** Follows a pod's log as it is written (kubectl logs -f), until stopped or `timeoutS`. */
export function followLog(namespace: string, pod: string, timeoutS = 300): { lines: () => string[]; stop: () => void } {
  const child = spawn('kubectl', ['logs', '-f', '-n', namespace, pod], { env: { ...process.env, KUBECONFIG }, stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.on('data', (chunk) => { text += chunk.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
  return {
    lines: () => text.split('\n').filter((l) => l.length > 0),
    stop: () => { clearTimeout(timer); child.kill('SIGKILL'); },
  };
}

/** Seconds since boot on this machine; containers share the kernel, so they read the same clock. */
export function hostUptimeOffsetMs(): number {
  const uptime = parseFloat(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - uptime * 1000;
}

/** Pods of a namespace, optionally by label selector. */
export async function pods(namespace: string, selector?: string): Promise<any[]> {
  return (await kubectlJson(['get', 'pods', '-n', namespace, ...(selector ? ['-l', selector] : [])])).items;
}

export function isReady(pod: any): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** Total container restarts of pods. */
export function restarts(podList: any[]): { pod: string; count: number }[] {
  return podList.map((pod) => ({
    pod: pod.metadata.name,
    count: [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].reduce((sum: number, s: any) => sum + (s.restartCount ?? 0), 0),
  })).filter((r) => r.count > 0);
}
