// Bundle stand-in for ccxt's signing code of other venues (zkLink, dYdX, Starknet, Ethereum ABI/EIP-712 and keccak,
// secp256k1 and P-256 ECDSA, Hyperliquid's msgpack): Exchange.js, crypto.js and encode.js import it statically, but
// Binance spot signs with HMAC-SHA256, RSA or Ed25519.
const unsupported = (what) => () => { throw new Error(`${what} is not bundled in Stratus functions (Binance spot does not use it)`); };
const zk = unsupported('zkLink signing');
const stark = unsupported('Starknet signing');
const eth = unsupported('Ethereum ABI encoding');
export default zk;
export const newRpcSignerWithProvider = zk, ContractBuilder = zk, newContract = zk, TransferBuilder = zk, newTransfer = zk;
export const Long = { fromString: unsupported('dYdX protobuf') };
export const compileCalldata = stark, getSelectorFromName = stark, calculateContractAddressFromHash = stark, getMessageHash = stark,
  computePoseidonHashOnElements = stark, getStarkKey = stark, ethSigToPrivate = stark, sign = stark, pedersen = stark, keccak = stark,
  poseidonHashMany = stark;
export const abiEncode = eth, keccak_256 = eth;
export const serialize = unsupported('msgpack encoding');
export const TypedDataEncoder = { encode: eth };
const curve = (name) => ({ getPublicKey: unsupported(name), sign: unsupported(name), verify: unsupported(name), Point: { fromBytes: unsupported(name) } });
export const secp256k1 = curve('secp256k1');
export const p256 = curve('P-256');
