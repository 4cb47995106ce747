// What a failed test leaves in its report about its cluster: the recording (the page's format: open
// it with "Import a recording" and scrub through what the nodes did) and the event log in the feed's
// words.
import type { TestInfo } from '@playwright/test';
import { recordingFileName } from '../../shared/protocol/recording.ts';
import type { LabCluster } from '../lab/lab-cluster.ts';

export async function attachClusterRecord(cluster: LabCluster, testInfo: TestInfo): Promise<void> {
  const recording = cluster.recorder.recording(`${testInfo.title} (${cluster.name})`);
  if (recording) {
    await testInfo.attach(recordingFileName(recording), { body: JSON.stringify(recording), contentType: 'application/json' });
  }
  await testInfo.attach(`${cluster.name}-events.log`, { body: cluster.recorder.eventLog(), contentType: 'text/plain' });
}
