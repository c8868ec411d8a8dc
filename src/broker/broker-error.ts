// A request that cannot be served, with the response code and remark to answer it with. Thrown by the
// managers (limits, missing things) and turned into a response by the broker's request guard.
export class BrokerError extends Error {
  override readonly name = 'BrokerError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
