// The repository's root, for paths the lab is started from (this file is testing/lab/root.ts).
import { fileURLToPath } from 'node:url';

export const RAFTLAB_ROOT = fileURLToPath(new URL('../..', import.meta.url));
