// What the server logs about failed requests. Input from outside never puts a stack trace in the
// log: a refused request is answered and not logged; a client that went away mid-request is
// counted and reported in one line at most every ten seconds (a flood of aborts is not a log
// flood); only a failure that is our bug is logged with its stack, to be fixed.
import { CommandError } from '../../shared/protocol/command-error.ts';

/** A client closed its connection before its request's body arrived. Not an error of ours. */
export class ClientGone extends Error {
  override readonly name = 'ClientGone';
  constructor() {
    super('the client closed the connection before the whole body arrived');
  }
}

/** Counted for /metrics and tests: clients that went away mid-request, since the process started. */
export const requestLogStats = { clientAborts: 0 };

const ABORT_REPORT_MS = 10_000;
let abortsUnreported = 0;
let abortReportDue = 0;

/** Logs a request that failed with `error`; `where` names the part of the server. */
export function logRequestFailure(where: string, error: unknown, now: number = performance.now()): void {
  if (error instanceof CommandError) return;
  if (error instanceof ClientGone) {
    requestLogStats.clientAborts += 1;
    abortsUnreported += 1;
    if (now < abortReportDue) return;
    console.warn(`raftlab: ${abortsUnreported} client${abortsUnreported === 1 ? '' : 's'} closed the connection mid-request (in the last ${ABORT_REPORT_MS / 1000} s at most)`);
    abortsUnreported = 0;
    abortReportDue = now + ABORT_REPORT_MS;
    return;
  }
  console.error(`raftlab: ${where} failed (a bug; the client got "internal error"):`, error);
}
