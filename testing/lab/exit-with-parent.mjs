// Preloaded into a child lab (child-lab.ts): once the test's process that started it is gone
// (RAFTLAB_PARENT_PID no longer exists), however it ended, the lab stops too instead of running on
// as an orphan (SIGTERM: main.ts stops every node and exits).
const parent = Number(process.env.RAFTLAB_PARENT_PID);
if (Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.kill(process.pid, 'SIGTERM');
    }
  }, 500).unref();
}
