// Bundle stand-in for ws: ccxt.pro websockets run only in the market-stream container, never in a Lambda function.
const unsupported = () => { throw new Error('ws is not bundled in Stratus functions (no websockets in Lambda)'); };
export default class WebSocket { constructor() { unsupported(); } }
export const createWebSocketStream = unsupported;
export const WebSocketServer = WebSocket;
