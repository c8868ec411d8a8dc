// Routes requests to handlers by request code, answering unknown codes the way a 4.9.8 broker does.
import { createResponse, type RemotingCommand } from '../protocol/command.js';
import { ResponseCode } from '../protocol/codes.js';
import type { RequestHandler } from './types.js';

/** The answer to a code nobody handles; the remark is Java's, leading space included. */
export function requestNotSupported(request: RemotingCommand): RemotingCommand {
  return createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
}

export class Dispatcher {
  private readonly handlers = new Map<number, RequestHandler>();

  /** A second registration for the same code is a wiring mistake, so it throws. */
  register(code: number, handler: RequestHandler): this {
    if (this.handlers.has(code)) throw new Error(`a handler for request code ${code} is already registered`);
    this.handlers.set(code, handler);
    return this;
  }

  has(code: number): boolean {
    return this.handlers.has(code);
  }

  readonly handle: RequestHandler = (request, conn) => {
    const handler = this.handlers.get(request.code);
    return handler === undefined ? requestNotSupported(request) : handler(request, conn);
  };
}
