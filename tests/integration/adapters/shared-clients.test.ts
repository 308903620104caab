import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoDocumentClient, sqsClient } from '../../../shared/adapters/aws-clients.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';

const saved = { ...process.env };
let running: Emulators | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  process.env = { ...saved };
});

async function useFreshEmulators(): Promise<void> {
  await running?.stop();
  running = await startEmulators();
  Object.assign(process.env, emulatorEnv(running));
}

describe('the shared AWS clients', () => {
  it('follow AWS_ENDPOINT_URL_*: a second set of emulators in the same process is reached, not the stopped first one', async () => {
    await useFreshEmulators();
    await dynamoDocumentClient().send(new ListTablesCommand({}));
    await sqsClient().send(new ListQueuesCommand({}));
    await useFreshEmulators();
    await expect(dynamoDocumentClient().send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: [] });
    await expect(sqsClient().send(new ListQueuesCommand({}))).resolves.toBeDefined();
  });

  it('reuse one client while the endpoint stays the same', async () => {
    await useFreshEmulators();
    expect(dynamoDocumentClient()).toBe(dynamoDocumentClient());
    expect(sqsClient()).toBe(sqsClient());
  });
});
