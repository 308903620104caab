// Bundle stand-in for undici (514 KB): ccxt imports it lazily and, when the import fails, uses Node's
// built-in fetch (the same undici engine, default keep-alive pooling). Stratus sets no proxies.
throw new Error('undici is not bundled in Stratus functions; ccxt falls back to the built-in fetch');
