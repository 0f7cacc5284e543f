import { Duration } from 'cdk8s';
import { validateInteger, validatePort, wholeSeconds } from './names';

/** Common options of every probe. */
export interface ProbeOptions {
  /**
   * The container port the probe connects to. Must be a port the container declares.
   * @default - the container's main port
   */
  readonly port?: number;
  /**
   * Delay before the first probe. Prefer a startup probe for slow starters.
   * @default - no delay
   */
  readonly initialDelay?: Duration;
  /**
   * How often the probe runs.
   * @default - readiness 5s, liveness 10s, startup 5s
   */
  readonly period?: Duration;
  /**
   * How long one probe may take.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the probe counts as failed.
   * @default - readiness 3 (15s), liveness 6 (60s: a liveness probe must not fail before readiness does), startup 60 (5 minutes)
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive successes before a failed readiness probe counts as passing again (1 for liveness and startup).
   * @default 1
   */
  readonly successThreshold?: number;
}

/** Options of an HTTP GET probe. */
export interface HttpProbeOptions extends ProbeOptions {
  /**
   * Use HTTPS instead of HTTP (the certificate is not verified).
   * @default false
   */
  readonly https?: boolean;
  /**
   * Extra request headers.
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Options of a gRPC health-check probe. */
export interface GrpcProbeOptions extends ProbeOptions {
  /**
   * The service name sent in the gRPC HealthCheckRequest.
   * @default - the server's overall health
   */
  readonly service?: string;
}

/** Which question a probe answers; each role has its own defaults. */
export enum ProbeRole {
  /** Ready to receive traffic? */
  READINESS = 'readiness',
  /** Still alive, or must it be restarted? */
  LIVENESS = 'liveness',
  /** Done starting, so readiness and liveness may begin? */
  STARTUP = 'startup',
}

const ROLE_DEFAULTS: Record<ProbeRole, { period: number; failureThreshold: number }> = {
  [ProbeRole.READINESS]: { period: 5, failureThreshold: 3 },
  [ProbeRole.LIVENESS]: { period: 10, failureThreshold: 6 },
  [ProbeRole.STARTUP]: { period: 5, failureThreshold: 60 },
};

/**
 * A health check of a container: HTTP GET, TCP connect, gRPC health or a command.
 * The same probe gets different timing by role, so a liveness probe gives up later than readiness.
 */
export class Probe {
  /** Probe with an HTTP GET on `path`; 200-399 is healthy. */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    if (!path.startsWith('/')) {
      throw new Error(`probe path '${path}' must start with '/': use e.g. '/${path}'`);
    }
    const headers = Object.entries(options.headers ?? {}).map(([name, value]) => ({ name, value }));
    return new Probe('httpGet', options, (port) => ({
      httpGet: {
        path,
        port,
        ...(options.https ? { scheme: 'HTTPS' } : {}),
        ...(headers.length > 0 ? { httpHeaders: headers } : {}),
      },
    }));
  }

  /** Probe that opens a TCP connection. */
  public static tcp(options: ProbeOptions = {}): Probe {
    return new Probe('tcpSocket', options, (port) => ({ tcpSocket: { port } }));
  }

  /** Probe with the standard gRPC health-checking protocol (grpc.health.v1). */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    return new Probe('grpc', options, (port) => ({
      grpc: { port, ...(options.service !== undefined ? { service: options.service } : {}) },
    }));
  }

  /** Probe that runs a command in the container; exit code 0 is healthy. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    if (command.length === 0) {
      throw new Error('exec probe has an empty command: give the command and its arguments, e.g. [\'/bin/health\', \'--quick\']');
    }
    if (options.port !== undefined) {
      throw new Error(`exec probe was given port ${options.port}: an exec probe runs a command and uses no port; remove 'port'`);
    }
    return new Probe('exec', options, () => ({ exec: { command: [...command] } }));
  }

  /** The handler type: `httpGet`, `tcpSocket`, `grpc` or `exec`. */
  public readonly handler: string;
  /** The port given in the options, if any. */
  public readonly port?: number;

  private constructor(handler: string, private readonly options: ProbeOptions, private readonly renderHandler: (port: number) => any) {
    this.handler = handler;
    this.port = options.port;
    if (options.port !== undefined) validatePort('probe port', options.port);
    for (const [what, value] of [['failureThreshold', options.failureThreshold], ['successThreshold', options.successThreshold]] as const) {
      if (value !== undefined) validateInteger(`probe ${what}`, value, 1);
    }
    for (const [what, value] of [['period', options.period], ['timeout', options.timeout]] as const) {
      if (value !== undefined && wholeSeconds(`probe ${what}`, value) < 1) {
        throw new Error(`probe ${what} 0s is too short: use at least 1 second`);
      }
    }
  }

  /** True when the probe connects to a port (every handler but exec). */
  public get usesPort(): boolean {
    return this.handler !== 'exec';
  }

  /**
   * Seconds after which a probe that keeps failing is declared failed
   * (initial delay + period x failure threshold).
   */
  public secondsToFail(role: ProbeRole): number {
    const timing = this.timing(role);
    return timing.initialDelaySeconds + timing.periodSeconds * timing.failureThreshold;
  }

  /**
   * Renders the probe as the Kubernetes `Probe` structure for a role.
   * @param role which probe this is
   * @param port the port to use when the options name none
   */
  public toJson(role: ProbeRole, port?: number): any {
    const resolvedPort = this.port ?? port;
    if (this.usesPort && resolvedPort === undefined) {
      throw new Error(`${role} probe (${this.handler}) has no port and the container declares none: pass { port } to the probe or give the container a port`);
    }
    const timing = this.timing(role);
    return {
      ...this.renderHandler(resolvedPort ?? 0),
      ...(timing.initialDelaySeconds > 0 ? { initialDelaySeconds: timing.initialDelaySeconds } : {}),
      periodSeconds: timing.periodSeconds,
      timeoutSeconds: timing.timeoutSeconds,
      failureThreshold: timing.failureThreshold,
      successThreshold: timing.successThreshold,
    };
  }

  private timing(role: ProbeRole) {
    const defaults = ROLE_DEFAULTS[role];
    const successThreshold = this.options.successThreshold ?? 1;
    if (role !== ProbeRole.READINESS && successThreshold !== 1) {
      throw new Error(`${role} probe successThreshold ${successThreshold} is invalid: Kubernetes requires 1 for ${role} probes; remove 'successThreshold'`);
    }
    return {
      initialDelaySeconds: this.options.initialDelay ? wholeSeconds('probe initialDelay', this.options.initialDelay) : 0,
      periodSeconds: this.options.period ? wholeSeconds('probe period', this.options.period) : defaults.period,
      timeoutSeconds: this.options.timeout ? wholeSeconds('probe timeout', this.options.timeout) : 2,
      failureThreshold: this.options.failureThreshold ?? defaults.failureThreshold,
      successThreshold,
    };
  }
}
