// Preloaded into a child lab (child-lab.ts): its stdin is a pipe from the test's process, which
// closes when that process ends however it ends, so the lab stops too instead of running on as an
// orphan (SIGTERM: main.ts stops every node and exits).
process.stdin.resume();
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
