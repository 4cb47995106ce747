// Whether a process (or, with a negative id, a process group) still exists: signal 0 checks
// without sending anything. Tests use it to show that no node process outlives its node.
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
