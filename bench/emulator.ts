/**
 * Emulator StopContact throughput with quotas off, so the local Amazon Connect never limits the
 * project's own benchmarks. Baseline: the same client loop against a node:http server that only
 * answers 200 `{}`, so value/baseline is the share of raw HTTP speed the emulator keeps.
 */
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startLocalConnect } from '../local/connect/index.js';
import { type Bench, median } from './result.js';

const REQUESTS_PER_ROUND = 5_000;
const ROUNDS = 3;
const WARMUP_REQUESTS = 500;
const IN_FLIGHT = 32;
const TARGET_RPS = 2_000;
const INSTANCE_ID = 'bench-instance';

// Looks like SigV4 to the emulator, which checks the header's shape but not the signature.
const HEADERS = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  'x-amz-date': '20250101T000000Z',
  'content-type': 'application/json',
};

export const run: Bench = async () => {
  const connect = await startLocalConnect({ quotas: false });
  const baseline = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
  });
  baseline.listen(0, '127.0.0.1');
  await once(baseline, 'listening');
  const baselineEndpoint = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;
  try {
    connect.seed.instance({ id: INSTANCE_ID });
    const freshChatBodies = (count: number) =>
      Array.from({ length: count }, () => {
        const chat = connect.seed.contact(INSTANCE_ID, {
          channel: 'CHAT',
          initiationMethod: 'API',
        });
        return JSON.stringify({ InstanceId: INSTANCE_ID, ContactId: chat.id });
      });

    await stopContactLoad(connect.endpoint, freshChatBodies(WARMUP_REQUESTS));
    await stopContactLoad(baselineEndpoint, freshChatBodies(WARMUP_REQUESTS));
    const emulatorRps: number[] = [];
    const baselineRps: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bodies = freshChatBodies(REQUESTS_PER_ROUND);
      emulatorRps.push(await stopContactLoad(connect.endpoint, bodies));
      baselineRps.push(await stopContactLoad(baselineEndpoint, bodies));
    }
    const value = median(emulatorRps);
    const baselineValue = median(baselineRps);
    return [
      {
        name: `emulator StopContact throughput, quotas off (${IN_FLIGHT} in flight, median of ${ROUNDS}×${REQUESTS_PER_ROUND})`,
        value,
        unit: 'req/s',
        baseline: baselineValue,
        ratio: value / baselineValue,
        target: `value >= ${TARGET_RPS} req/s`,
        met: value >= TARGET_RPS,
      },
    ];
  } finally {
    await connect.close();
    baseline.closeAllConnections();
    baseline.close();
  }
};

/** POSTs each body to /contact/stop over keep-alive, IN_FLIGHT at a time; returns requests per second. */
async function stopContactLoad(endpoint: string, bodies: string[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const url = new URL('/contact/stop', endpoint);
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const status = await post(url, agent, body);
      if (status !== 200)
        throw new Error(`StopContact answered HTTP ${status} during the benchmark`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return (bodies.length / elapsedMs) * 1000;
}

function post(url: URL, agent: Agent, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
