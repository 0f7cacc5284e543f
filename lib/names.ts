/**
 * Validation of Kubernetes names and label values, shared by every construct.
 * Messages follow one shape: what is wrong, the value given, how to fix it.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True when the value is a token that resolves only at synthesis; such values are not validated. */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${Token[');
}

/** Throws unless `value` is a DNS-1123 label (object names, namespaces, container names). */
export function validateDnsLabel(what: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(`${what} '${value}' is not a valid DNS-1123 label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`);
  }
}

/** Throws unless `value` is a DNS-1035 label (Service names must start with a letter). */
export function validateDns1035Label(what: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length > 63 || !DNS1035_LABEL.test(value)) {
    throw new Error(`${what} '${value}' is not a valid DNS-1035 label: use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`);
  }
}

/** Throws unless `value` is a DNS-1123 subdomain (ConfigMap/Secret names, priority classes). */
export function validateDnsSubdomain(what: string, value: string): void {
  if (isUnresolved(value)) return;
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(`${what} '${value}' is not a valid DNS-1123 subdomain: use at most 253 lowercase letters, digits, '-' and '.'`);
  }
}

/** Throws unless `value` is a valid port name (IANA_SVC_NAME: at most 15 characters, at least one letter). */
export function validatePortName(what: string, value: string): void {
  if (value.length > 15 || !IANA_SVC_NAME.test(value) || !/[a-z]/.test(value) || value.includes('--')) {
    throw new Error(`${what} '${value}' is not a valid port name: use at most 15 lowercase letters, digits and single '-', with at least one letter`);
  }
}

/** Throws unless `port` is an integer in 1..65535. */
export function validatePort(what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${what} ${port} is out of range: use an integer from 1 to 65535`);
  }
}

/** True when `value` may be used as a label value. */
export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Throws unless `value` may be used as a label value. */
export function validateLabelValue(what: string, value: string): void {
  if (isUnresolved(value)) return;
  if (!isValidLabelValue(value)) {
    throw new Error(`${what} '${value}' is not a valid label value: use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`);
  }
}

/** Throws unless `value` is a whole number at least `min` (and at most `max` when given). */
export function validateInteger(what: string, value: number, min: number, max?: number): void {
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    throw new Error(`${what} ${value} is invalid: use ${range}`);
  }
}

/** A duration in whole seconds; Kubernetes counts these fields in seconds. */
export function wholeSeconds(what: string, duration: { toMilliseconds(): number }): number {
  const ms = duration.toMilliseconds();
  if (ms % 1000 !== 0) {
    throw new Error(`${what} ${ms}ms is not a whole number of seconds: Kubernetes counts it in seconds; use e.g. Duration.seconds(${Math.max(1, Math.round(ms / 1000))})`);
  }
  return ms / 1000;
}

/**
 * Throws unless `port` is a port a hardened container can listen on: 1024..65535. Below 1024 a
 * process needs root or NET_BIND_SERVICE, which the hardened containers drop.
 */
export function validateListenPort(what: string, port: number): void {
  validatePort(what, port);
  if (port < 1024) {
    throw new Error(`${what} ${port} is a privileged port: a hardened container runs as non-root without NET_BIND_SERVICE and cannot bind below 1024; listen on a port from 1024, e.g. 8080 (a WebService can still publish port ${port} with servicePort)`);
  }
}

/** Checks the port a workload serves on and its name; returns the name (`defaultName` when none is given). */
export function checkServedPort(port: number, portName: string | undefined, defaultName: string): string {
  validateListenPort('port', port);
  const name = portName ?? defaultName;
  validatePortName('portName', name);
  return name;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * Throws unless `key` is a valid label or annotation key: an optional DNS-1123 subdomain prefix
 * (at most 253 characters) and '/', then a name of at most 63 letters, digits, '-', '_' and '.',
 * starting and ending with a letter or digit.
 */
export function validateQualifiedKey(what: string, key: string): void {
  if (isUnresolved(key)) return;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    throw new Error(`${what} key '${key}' has an invalid prefix '${prefix}': the part before '/' must be a DNS subdomain of at most 253 lowercase letters, digits, '-' and '.', e.g. 'example.com/${name || 'name'}'`);
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    throw new Error(`${what} key '${key}' is invalid: the name${prefix !== undefined ? " after '/'" : ''} must have at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`);
  }
}

/** Throws unless every key of a label map is valid and every value is a valid label value. */
export function validateLabels(what: string, labels: { [key: string]: string }): void {
  for (const [key, value] of Object.entries(labels)) {
    validateQualifiedKey(what, key);
    validateLabelValue(`${what} '${key}'`, value);
  }
}

/** The apiserver's limit on the total size of an object's annotations (keys plus values). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Throws unless every key of an annotation map is valid and the map fits the apiserver's 256 KiB limit. */
export function validateAnnotations(what: string, annotations: { [key: string]: string }): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    validateQualifiedKey(what, key);
    if (typeof value !== 'string') {
      throw new Error(`${what} '${key}' has the non-string value ${JSON.stringify(value)}: annotation values are strings; quote it, e.g. '${String(value)}'`);
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw new Error(`${what} total ${bytes} bytes, above the apiserver's limit of ${ANNOTATIONS_MAX_BYTES}: move large values into a ConfigMap`);
  }
}

/**
 * Throws when a name is longer than a kind allows because of what Kubernetes derives from it.
 * @param what the object described, e.g. "stateful service name"
 * @param max the longest name the kind allows
 * @param why what makes the limit, e.g. "the pods' controller-revision-hash label ..."
 */
export function validateNameLength(what: string, name: string, max: number, why: string): void {
  if (isUnresolved(name)) return;
  if (name.length > max) {
    throw new Error(`${what} '${name}' has ${name.length} characters, more than ${max}: ${why}; use a name of at most ${max} characters`);
  }
}

/** Throws unless `protocol` is one a port of a Pod or NetworkPolicy may have. */
export function validateProtocol(what: string, protocol: string): void {
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) {
    throw new Error(`${what} protocol '${protocol}' is not known: use 'TCP', 'UDP' or 'SCTP'`);
  }
}
