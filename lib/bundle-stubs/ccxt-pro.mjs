// Bundle stand-in for ccxt.pro's websocket client and order books: Exchange.js imports them statically, but websockets
// run only in the market-stream container, never in a Lambda function (REST only).
const unsupported = () => { throw new Error('ccxt.pro websockets are not bundled in Stratus functions'); };
export default class WsClient { constructor() { unsupported(); } }
export class OrderBook { constructor() { unsupported(); } }
export class IndexedOrderBook extends OrderBook {}
export class CountedOrderBook extends OrderBook {}
