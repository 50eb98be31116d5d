/**
 * @opendeg/deg — the CEC Procedure of remote electronic voting as domain logic.
 */

export * from './zoned-time.ts';
export * from './clock.ts';
export * from './config.ts';
export * from './schedule.ts';
export * from './applications.ts';
export * from './participant-lists.ts';
export * from './confirmation-codes.ts';
export * from './commission.ts';
export * from './observers.ts';
export * from './ballot-source.ts';
export * from './list-data.ts';
export * from './bundle.ts';
export * from './signatures/index.ts';
export * from './protocol.ts';
export * from './retention.ts';
