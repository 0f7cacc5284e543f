export * from './audit';
export * from './config';
export * from './finding';
export * from './pack';
export * from './pod-security-level';
export * from './report';
export * from './suppressions';
export * from './validation-plugin';
