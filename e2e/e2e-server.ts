// Where the suite's server listens (playwright.config.ts starts it as its webServer).
export const E2E_PORT = Number(process.env['RAFTLAB_E2E_PORT'] ?? 8299);
export const E2E_URL = `http://127.0.0.1:${E2E_PORT}`;
