/** Bumped on any incompatible change to frames, events or commands. Sent in the WebSocket handshake. */
export const PROTOCOL_VERSION = 2;
