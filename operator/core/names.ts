/**
 * The names an operator reads beside the IDs: a queue's name (ListQueues, one paged call per
 * instance: https://docs.aws.amazon.com/connect/latest/APIReference/API_ListQueues.html) and an
 * instance's alias (DescribeInstance:
 * https://docs.aws.amazon.com/connect/latest/APIReference/API_DescribeInstance.html). Read once and
 * kept for `ttlMs`, so a command asks once per run and the console at most once a minute. A name
 * is a courtesy: when Connect refuses (no connect:ListQueues in the operator's policy, throttling),
 * the ID stands alone and nothing fails.
 */
import {
  type ConnectClient,
  DescribeInstanceCommand,
  paginateListQueues,
} from '@aws-sdk/client-connect';

export interface InstanceNames {
  /** The instance's alias, e.g. `demo-contact-center`. */
  alias?: string;
  /** Queue ID → name. */
  queues: ReadonlyMap<string, string>;
}

export interface NameResolver {
  /** The instance's alias and queue names; empty when Connect would not say. */
  instance(instanceId: string): Promise<InstanceNames>;
}

/** ListQueues' largest page (API_ListQueues: MaxResults 1–1000). */
const QUEUES_PAGE_SIZE = 1000;

export function createNameResolver(
  connect: ConnectClient,
  options: { now?: () => number; ttlMs?: number } = {},
): NameResolver {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 60_000;
  const cache = new Map<string, { atMs: number; names: Promise<InstanceNames> }>();

  async function read(instanceId: string): Promise<InstanceNames> {
    const [alias, queues] = await Promise.all([
      connect
        .send(new DescribeInstanceCommand({ InstanceId: instanceId }))
        .then((r) => r.Instance?.InstanceAlias)
        .catch(() => undefined),
      listQueueNames(connect, instanceId).catch(() => new Map<string, string>()),
    ]);
    return { ...(alias ? { alias } : {}), queues };
  }

  return {
    instance(instanceId) {
      const cached = cache.get(instanceId);
      if (cached && now() - cached.atMs < ttlMs) return cached.names;
      const names = read(instanceId);
      cache.set(instanceId, { atMs: now(), names });
      return names;
    },
  };
}

async function listQueueNames(
  connect: ConnectClient,
  instanceId: string,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const pages = paginateListQueues(
    { client: connect, pageSize: QUEUES_PAGE_SIZE },
    { InstanceId: instanceId, QueueTypes: ['STANDARD'] },
  );
  for await (const page of pages) {
    for (const queue of page.QueueSummaryList ?? []) {
      if (queue.Id && queue.Name) names.set(queue.Id, queue.Name);
    }
  }
  return names;
}
