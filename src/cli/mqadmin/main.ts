// mqadmin <command> [options]: finds the command, parses its options with commander (RocketMQ's letters and long
// names), checks required ones, runs it and reports a failure as one line on stderr with exit status 1.
import { Command, CommanderError, Option } from 'commander';
import { CLUSTER_COMMANDS } from './commands-cluster.js';
import { CONSUMER_COMMANDS } from './commands-consumer.js';
import { MESSAGE_COMMANDS } from './commands-message.js';
import { NAMESRV_COMMANDS } from './commands-namesrv.js';
import { TOPIC_COMMANDS } from './commands-topic.js';
import { adminErrorText, COMMON_OPTIONS, CommandContext, commandList, helpText, type CommandSeams, type CommandSpec } from './spec.js';

export const COMMANDS: CommandSpec[] = [...TOPIC_COMMANDS, ...CLUSTER_COMMANDS, ...MESSAGE_COMMANDS, ...CONSUMER_COMMANDS, ...NAMESRV_COMMANDS];

/** RocketMQ's required option group that also refuses both (updateTopic -b | -c). */
const EXCLUSIVE_GROUP_COMMANDS = new Set(['updateTopic']);

export interface MqadminIO {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  seams?: CommandSeams;
}

/** MQAdminStartup.findSubCommand: names are matched ignoring case. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** Option values by letter; `true` for a flag. Throws CommanderError / Error with the parse problem. */
function parseOptions(spec: CommandSpec, args: string[]): Map<string, string | true> {
  const cmd = new Command(spec.name)
    .exitOverride()
    .helpOption(false)
    .allowExcessArguments(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined })
    .action(() => undefined);
  const byAttribute = new Map<string, string>();
  for (const o of [...COMMON_OPTIONS, ...spec.options]) {
    const option = new Option(`-${o.short}, --${o.long}${o.arg ? ' <arg>' : ''}`, o.desc);
    cmd.addOption(option);
    byAttribute.set(option.attributeName(), o.short);
  }
  cmd.parse(args, { from: 'user' });
  const values = new Map<string, string | true>();
  for (const [attribute, value] of Object.entries(cmd.opts<Record<string, unknown>>())) {
    const letter = byAttribute.get(attribute);
    if (letter === undefined || value === undefined || value === false) continue;
    values.set(letter, typeof value === 'string' ? value : true);
  }
  return values;
}

/** The Commons CLI checks: required options and the -b | -c group. */
function checkRequired(spec: CommandSpec, values: ReadonlyMap<string, string | true>): string | undefined {
  const missing = spec.options.filter((o) => o.required === true && !values.has(o.short)).map((o) => o.short);
  if (missing.length > 0) return `Missing required option${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
  const group = spec.oneOf ?? [];
  const given = group.filter((l) => values.has(l));
  if (group.length > 0 && given.length === 0) return `Missing required option: one of ${group.map((l) => `-${l}`).join(', ')}`;
  if (EXCLUSIVE_GROUP_COMMANDS.has(spec.name) && given.length > 1) {
    return `The option '${given[1]}' was specified but an option from this group has already been selected: '${given[0]}'`;
  }
  return undefined;
}

/** Runs one mqadmin invocation; returns the exit status. */
export async function runMqadmin(args: string[], io: MqadminIO): Promise<number> {
  if (args.length === 0) {
    io.out(commandList(COMMANDS));
    return 0;
  }
  if (args[0] === 'help' && args.length === 2) {
    const spec = findCommand(args[1]!);
    if (spec === undefined) {
      io.err(`The sub command ${args[1]} not exist.\n`);
      return 1;
    }
    io.out(helpText(spec));
    return 0;
  }
  const spec = findCommand(args[0]!);
  if (spec === undefined) {
    io.err(`The sub command ${args[0]} not exist.\n`);
    return 1;
  }
  let values: Map<string, string | true>;
  try {
    values = parseOptions(spec, args.slice(1));
  } catch (err) {
    const text = err instanceof CommanderError ? err.message.replace(/^error: /, '') : adminErrorText(err);
    io.err(`mqadmin ${spec.name}: ${text} (see 'mqadmin ${spec.name} -h')\n`);
    return 1;
  }
  if (values.has('h')) {
    io.out(helpText(spec));
    return 0;
  }
  const problem = checkRequired(spec, values);
  if (problem !== undefined) {
    io.err(`mqadmin ${spec.name}: ${problem} (see 'mqadmin ${spec.name} -h')\n`);
    return 1;
  }
  const ctx = new CommandContext(spec, values, io.env, (text) => io.out(text), io.seams);
  try {
    await spec.run(ctx);
    return 0;
  } catch (err) {
    io.err(`${spec.name} command failed: ${adminErrorText(err)}\n`);
    return 1;
  } finally {
    await ctx.close();
  }
}
