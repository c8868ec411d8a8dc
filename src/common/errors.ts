// Errors that say what was wrong and whether retrying can help.

/** Bytes on the wire or on disk that do not follow the format. Closing the connection is the remedy. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** A configuration file or value that cannot be used. Names the key, value and line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A remote call that failed; `retriable` tells the caller whether another try may succeed. */
export class RemotingError extends Error {
  override readonly name = 'RemotingError';
  constructor(message: string, readonly retriable: boolean, readonly addr?: string) {
    super(message);
  }
}

/** A request header that is missing a required field or carries a value of the wrong type. */
export class HeaderError extends Error {
  override readonly name = 'HeaderError';
}
