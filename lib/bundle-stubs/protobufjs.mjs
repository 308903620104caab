// Bundle stand-in for protobufjs/minimal: only ccxt's dYdX and MEXC code paths decode protobuf; Binance spot never does.
const unsupported = () => { throw new Error('protobufjs is not bundled in Stratus functions (Binance spot needs no protobuf)'); };
const util = { Long: undefined, isInteger: Number.isInteger, global: globalThis };
const $protobuf = { util, Reader: { create: unsupported }, Writer: { create: unsupported }, roots: {}, configure: () => undefined };
export default $protobuf;
export { util };
export const Reader = $protobuf.Reader;
export const Writer = $protobuf.Writer;
export const roots = $protobuf.roots;
export const configure = $protobuf.configure;
