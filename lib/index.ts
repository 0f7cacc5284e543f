export * from './container';
export * from './deployment-workload';
export * from './disruption-budget';
export * from './probe';
export * from './resources';
export * from './web-service';
export * from './worker';
export * from './workload';
