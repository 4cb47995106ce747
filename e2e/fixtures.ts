// Our own suite on the fixture package we ship (raftlab/playwright): a fresh cluster per test
// (nodes and profile set in playwright.config.ts), deleted afterwards, its recording and event log
// attached when the test fails, and `labPage`, the lab page's page object, on it.
export { expect, test } from 'raftlab/playwright';
