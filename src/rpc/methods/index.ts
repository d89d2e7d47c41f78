/** Every JSON-RPC method the node serves, by family. */
import type { RpcMethod } from "../method.js";
import { debugMethods } from "./debug.js";
import { ethBlockMethods } from "./eth-blocks.js";
import { ethCallMethods } from "./eth-call.js";
import { ethChainMethods } from "./eth-chain.js";
import { ethFeeMethods } from "./eth-fees.js";
import { ethLogMethods } from "./eth-logs.js";
import { ethSendMethods } from "./eth-send.js";
import { ethStateMethods } from "./eth-state.js";
import { filterMethods } from "./filters.js";
import { kairosMethods } from "./kairos.js";
import { netWeb3Methods } from "./net-web3.js";
import { subscriptionMethods } from "./subscriptions.js";
import { txpoolMethods } from "./txpool.js";

export const allMethods: readonly RpcMethod[] = [
  ...netWeb3Methods,
  ...ethChainMethods,
  ...ethFeeMethods,
  ...ethStateMethods,
  ...ethCallMethods,
  ...ethSendMethods,
  ...ethBlockMethods,
  ...ethLogMethods,
  ...filterMethods,
  ...subscriptionMethods,
  ...txpoolMethods,
  ...debugMethods,
  ...kairosMethods,
];
