// Names and addresses checked before anything is sent to the cluster: a bad one is a 400 naming the field.
import { checkTopicName, parseNamesrvList } from '../admin/index.js';
import { checkGroup } from '../client/config.js';
import { parseAddress } from '../remoting/address.js';
import { badRequest } from './http.js';

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function topicName(field: string, value: string): string {
  try {
    checkTopicName(value);
  } catch (err) {
    throw badRequest(`${field}: ${reason(err)}`);
  }
  return value;
}

export function groupName(field: string, value: string): string {
  try {
    return checkGroup(field, value);
  } catch (err) {
    throw badRequest(reason(err));
  }
}

export function brokerAddr(field: string, value: string): string {
  try {
    parseAddress(value);
  } catch (err) {
    throw badRequest(`${field}: ${reason(err)}`);
  }
  return value;
}

export function namesrvList(field: string, value: string): string[] {
  try {
    return parseNamesrvList(value);
  } catch (err) {
    throw badRequest(`${field}: ${reason(err)}`);
  }
}
