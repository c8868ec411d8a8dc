// The API's request and response types: the server's contract, used as is.
export type * from '../../../src/dashboard/api-types.js';
