// The client history → linearizability checker mapping lives in shared/protocol, so the page and
// the server's tests judge a history the same way.
export * from '../../shared/protocol/client-history.ts';
