import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeContactCommand, GetContactMetricsCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  demoScenario,
  loadScenario,
  parseScenario,
  ScenarioValidationError,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient } from './support.js';

describe('scenarios', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'connect-scenario-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the demo scenario file as the demo contact center', async () => {
    expect(await loadScenario('local/scenarios/demo.json')).toEqual(demoScenario());
  });

  it('seeds the callback-states scenario with a callback in each phase, and only the waiting ones in queue', async () => {
    const scenario = await loadScenario('local/scenarios/callback-states.json');
    const connect = await startLocalConnect({ scenario, quotas: false });
    const instanceId = 'cb500000-0000-4000-8000-000000000001';
    const contactIds = scenario.instances[0]?.contacts?.map((c) => c.id as string) ?? [];
    const client = connectClient(connect);

    const phases = (
      connect.state() as { instances: { contacts: { phase: string }[] }[] }
    ).instances[0]?.contacts.map((c) => c.phase);
    const positions = await Promise.all(
      contactIds.map(async (ContactId) => {
        const { MetricResults } = await client.send(
          new GetContactMetricsCommand({
            InstanceId: instanceId,
            ContactId,
            Metrics: [{ Name: 'POSITION_IN_QUEUE' }],
          }),
        );
        return MetricResults?.[0]?.Value?.Number;
      }),
    );
    await connect.close();

    expect(phases).toEqual([
      'queued',
      'offered',
      'dialling',
      'connected',
      'queued',
      'disconnected',
      'queued',
    ]);
    expect(positions).toEqual([1, 2, undefined, undefined, 4, undefined, 3]);
  });

  it("names a contact's agent-time field that lacks an agentId", () => {
    expect(() =>
      parseScenario({
        instances: [
          {
            contacts: [
              { channel: 'VOICE', initiationMethod: 'CALLBACK', acceptedByAgentAgo: '1m' },
            ],
          },
        ],
      }),
    ).toThrow(
      /instances\[0\]\.contacts\[0\]\.agentId: a contact with acceptedByAgent time needs an agentId/,
    );
  });

  it('names the bad field when a scenario file has an unknown channel', async () => {
    const path = join(dir, 'bad-channel.json');
    await writeFile(
      path,
      JSON.stringify({
        instances: [{ id: 'i', contacts: [{ channel: 'FAX', initiationMethod: 'INBOUND' }] }],
      }),
    );

    const load = loadScenario(path);

    await expect(load).rejects.toThrow(ScenarioValidationError);
    await expect(load).rejects.toThrow(/instances\[0\]\.contacts\[0\]\.channel: Invalid option/);
  });

  it('names a misspelt field', () => {
    const parse = () =>
      parseScenario({ instances: [{ id: 'i', queues: [{ id: 'q', nmae: 'Q' }] }] });

    expect(parse).toThrow(/instances\[0\]\.queues\[0\]\.name/);
    expect(parse).toThrow(/Unrecognized key: "nmae"/);
  });

  it('names a contact that points at a queue the instance does not have', () => {
    const parse = () =>
      parseScenario({
        instances: [
          {
            id: 'i',
            contacts: [{ channel: 'VOICE', initiationMethod: 'CALLBACK', queueId: 'ghost' }],
          },
        ],
      });

    expect(parse).toThrow(/instances\[0\]\.contacts\[0\]\.queueId: queue ghost is not among/);
  });

  it('says so when a scenario file is not JSON', async () => {
    const path = join(dir, 'not-json.json');
    await writeFile(path, '{ instances: ');

    await expect(loadScenario(path)).rejects.toThrow(/is not valid JSON/);
  });

  it('seeds relative times back from the clock start, deterministically', async () => {
    const clockStart = new Date('2025-03-15T14:30:00.000Z');
    const connect = await startLocalConnect({
      scenario: demoScenario(),
      clockStart,
      freezeClock: true,
      quotas: false,
    });
    try {
      const { Contact } = await connectClient(connect).send(
        new DescribeContactCommand({
          InstanceId: DEMO_IDS.instanceId,
          ContactId: DEMO_IDS.contacts.callbackQueued26h,
        }),
      );

      expect(Contact?.QueueInfo?.EnqueueTimestamp?.toISOString()).toBe('2025-03-14T12:30:00.000Z');
    } finally {
      await connect.close();
    }
  });

  it('seeds every documented demo ID as the entity it names, in its own instance', async () => {
    const connect = await startLocalConnect({ scenario: demoScenario(), quotas: false });
    const { instances } = connect.state() as {
      instances: ({ id: string } & Record<
        'queues' | 'users' | 'securityProfiles' | 'contacts',
        { id: string }[]
      >)[];
    };
    await connect.close();

    for (const documented of [DEMO_IDS, DEMO_IDS.secondInstance]) {
      const instance = instances.find((seeded) => seeded.id === documented.instanceId);
      const idsOf = (kind: 'queues' | 'users' | 'securityProfiles' | 'contacts') =>
        instance?.[kind].map((entity) => entity.id);

      expect(instance, documented.instanceId).toBeDefined();
      for (const kind of ['queues', 'users', 'securityProfiles', 'contacts'] as const) {
        expect(idsOf(kind), kind).toEqual(expect.arrayContaining(Object.values(documented[kind])));
      }
    }
  });
});

describe('connect-local command', () => {
  let child: ReturnType<typeof spawn> | undefined;

  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('prints its endpoint and IDs, answers the SDK, and stops cleanly on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'local/connect-local.ts', '--port', '0', '--no-quotas'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match && output.includes('Ctrl+C')) resolve(match[1] as string);
      });
      child?.once('exit', (code) =>
        reject(new Error(`connect-local exited early (${code}): ${output}`)),
      );
    });

    const { Contact } = await connectClient({ endpoint } as never).send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.callbackQueued3d,
      }),
    );
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;

    expect(output).toContain(DEMO_IDS.instanceId);
    expect(output).toContain(DEMO_IDS.contacts.callbackQueued3d);
    expect(output).not.toMatch(/\+1206555/);
    expect(Contact?.InitiationMethod).toBe('CALLBACK');
    expect(code).toBe(0);
  });

  it('prints usage for --help', async () => {
    const help = spawn(process.execPath, ['--import', 'tsx', 'local/connect-local.ts', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    help.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(help, 'exit');

    expect(code).toBe(0);
    expect(output).toMatch(/Usage: npm run connect-local -- \[options\]/);
    expect(output).toMatch(/--scenario <file>/);
  });
});
