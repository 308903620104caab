// Bundle stand-in for fflate: ccxt uses it only off Node (under Node it inflates websocket frames with node:zlib).
throw new Error('fflate is not bundled in Stratus functions');
