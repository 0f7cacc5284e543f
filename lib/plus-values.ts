import { IConstruct } from 'constructs';

/*
 * The values the library takes from cdk8s-plus, described by what the library reads from them.
 * cdk8s-plus ships one package per Kubernetes line (cdk8s-plus-28 ... cdk8s-plus-33), and each
 * declares its own classes with private members, so a class of one line is never assignable to the
 * class of another. These interfaces name only public members that every line has: `Cpu`,
 * `EnvValue`, `EnvFrom`, `Volume`, `ConfigMap` and `Secret` of any supported line satisfy them, and
 * the library depends on no cdk8s-plus line itself.
 */

/**
 * A CPU quantity: `Cpu.millis(250)` or `Cpu.units(1)` of any supported cdk8s-plus line.
 */
export interface ICpu {
  /** The quantity as Kubernetes writes it: `250m` or `1`. */
  readonly amount: string;
}

/**
 * The value of one environment variable: `EnvValue.fromValue`, `EnvValue.fromSecretValue`,
 * `EnvValue.fromConfigMap`, `EnvValue.fromFieldRef` ... of any supported cdk8s-plus line.
 */
export interface IEnvValue {
  /**
   * A literal value.
   * @default - the value comes from `valueFrom`
   */
  readonly value?: any;
  /**
   * A reference (`secretKeyRef`, `configMapKeyRef`, `fieldRef`, `resourceFieldRef`).
   * @default - the literal `value`
   */
  readonly valueFrom?: any;
}

/**
 * All keys of a ConfigMap or Secret as environment variables: `Env.fromConfigMap` or
 * `Env.fromSecret` of any supported cdk8s-plus line.
 */
export interface IEnvFrom {
  /**
   * The Kubernetes `EnvFromSource`.
   * @internal
   */
  _toKube(): any;
}

/**
 * A pod volume: `Volume.fromConfigMap`, `Volume.fromSecret`, `Volume.fromEmptyDir`,
 * `Volume.fromPersistentVolumeClaim` ... of any supported cdk8s-plus line.
 */
export interface IVolume {
  /** The volume name in the pod. */
  readonly name: string;
  /**
   * The Kubernetes `Volume`.
   * @internal
   */
  _toKube(): any;
}

/**
 * A ConfigMap or Secret of any supported cdk8s-plus line (`new ConfigMap(...)`, `new Secret(...)`,
 * or an imported one).
 */
export interface IConfigResource extends IConstruct {
  /** The object's name. */
  readonly name: string;
}

/** A CPU quantity in millicores, in the form cdk8s-plus `Cpu.millis` gives. */
export function millicores(millis: number): ICpu {
  return { amount: `${millis}m` };
}

/** CPU quantity in millicores, from "250m" or "1.5". */
export function cpuMillis(cpu: ICpu): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Math.round(Number(amount) * 1000);
}

/**
 * The Kubernetes form of a cdk8s-plus `EnvFrom` or `Volume`; a clear error when the object is not one
 * (an implementation written in another language cannot render itself).
 */
export function renderPlusValue(what: string, value: IEnvFrom | IVolume, fix: string): any {
  if (typeof (value as any)?._toKube !== 'function') {
    throw new Error(`${what} is not a cdk8s-plus value: ${fix}`);
  }
  return value._toKube();
}
