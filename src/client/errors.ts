// Typed client errors. Every error says what failed, where (broker address) and whether trying again may help,
// so callers can decide between retrying and giving up without parsing messages.
import { RemotingError } from '../common/errors.js';
import { ResponseCode } from '../protocol/codes.js';

/** Codes for failures detected on the client side (Java ClientErrorCode), next to the broker's response codes. */
export const ClientErrorCode = {
  CONNECT_BROKER_EXCEPTION: 10001,
  ACCESS_BROKER_TIMEOUT: 10002,
  BROKER_NOT_EXIST_EXCEPTION: 10003,
  NO_NAME_SERVER_EXCEPTION: 10004,
  NOT_FOUND_TOPIC_EXCEPTION: 10005,
  REQUEST_TIMEOUT_EXCEPTION: 10006,
  /** Bad argument or configuration given by the caller. */
  ILLEGAL_ARGUMENT: -1,
  /** The client is not running (not started yet, or shut down). */
  SERVICE_STATE: -2,
} as const;

export interface MQErrorDetails {
  brokerAddr?: string;
  retriable?: boolean;
  cause?: unknown;
}

/** Common base: `code` is a broker ResponseCode or a ClientErrorCode. */
export abstract class MQError extends Error {
  readonly code: number;
  readonly brokerAddr: string | undefined;
  readonly retriable: boolean;

  constructor(message: string, code: number, details: MQErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.brokerAddr = details.brokerAddr;
    this.retriable = details.retriable ?? false;
  }
}

/** The client refused or failed before getting an answer: bad input, no route, not started, network trouble. */
export class MQClientError extends MQError {
  override readonly name = 'MQClientError';
}

/** The broker (or NameServer) answered with a non-success response code. */
export class MQBrokerError extends MQError {
  override readonly name = 'MQBrokerError';
  /** The broker's remark text, if any. */
  readonly remark: string | undefined;

  constructor(code: number, remark: string | undefined, brokerAddr: string, what: string, retriable = false) {
    super(`${what} failed at ${brokerAddr}: code ${code} (${responseCodeName(code)})${remark ? `, remark: ${remark}` : ''}`, code, {
      brokerAddr,
      retriable,
    });
    this.remark = remark;
  }
}

const CODE_NAMES = new Map<number, string>(Object.entries(ResponseCode).map(([k, v]) => [v, k]));

export function responseCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? 'UNKNOWN';
}

export function illegalArgument(message: string): MQClientError {
  return new MQClientError(message, ClientErrorCode.ILLEGAL_ARGUMENT);
}

/** Turns a transport failure into an MQClientError that keeps the address and retriability. */
export function fromRemotingError(err: unknown, addr: string, what: string): MQError {
  if (err instanceof MQError) return err;
  if (err instanceof RemotingError) {
    const timeout = /timeout|timed out/i.test(err.message);
    const code = timeout ? ClientErrorCode.ACCESS_BROKER_TIMEOUT : ClientErrorCode.CONNECT_BROKER_EXCEPTION;
    return new MQClientError(`${what} to ${err.addr ?? addr} failed: ${err.message}`, code, {
      brokerAddr: err.addr ?? addr,
      retriable: err.retriable,
      cause: err,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new MQClientError(`${what} to ${addr} failed: ${text}`, ClientErrorCode.CONNECT_BROKER_EXCEPTION, {
    brokerAddr: addr,
    retriable: true,
    cause: err,
  });
}
