export { Severity, ValidationIssue, Errors } from './core/errors';
export * from './core/secret';
export * from './core/rc-conf';
export * from './core/interface';
export * from './core/host';
export * from './core/app';
export * from './net/address';
export * from './net/duration';
export * from './testing/testing';
