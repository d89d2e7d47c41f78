/**
 * The privileged precompile behind the USDC ERC-20 view (channel-spec.md): the token contract at
 * 0x3600…0000 calls it to move native balance, so the ERC-20 and the native coin are one ledger.
 *
 *   transfer(address from, address to, uint256 amount18) returns (bool)  — reverts on insufficient balance
 *   totalSupply() returns (uint256)                                      — the genesis supply (never burned)
 *
 * EthereumJS does not tell a precompile who called it, so we remember the last message each EVM
 * starts: a call to a precompile runs right after its own `beforeMessage`, with no message between.
 */
import {
  type CustomPrecompile,
  EVMError,
  type EVMInterface,
  type ExecResult,
  type Message,
} from "@ethereumjs/evm";
import { Account, createAddressFromString } from "@ethereumjs/util";
import {
  type Address,
  bytesToHex,
  decodeFunctionData,
  encodeErrorResult,
  encodeFunctionResult,
  getAddress,
  hexToBytes,
  parseAbi,
} from "viem";

export const USDC_PRECOMPILE_ADDRESS: Address = "0x0000000000000000000000000000000000001000";
export const USDC_TOKEN_ADDRESS: Address = "0x3600000000000000000000000000000000000000";

export const usdcPrecompileAbi = parseAbi([
  "function transfer(address from, address to, uint256 amount18) returns (bool)",
  "function totalSupply() returns (uint256)",
]);
const errorAbi = parseAbi(["error Error(string)"]);

/** Two account writes, priced like two warm SSTOREs of non-zero values. */
export const TRANSFER_GAS = 10_000n;
export const TOTAL_SUPPLY_GAS = 200n;

const lastMessage = new WeakMap<EVMInterface, Message>();

/** Lets the precompile see its caller in this EVM. Call once per EVM that has the precompile. */
export function trackCallers(evm: EVMInterface): void {
  evm.events?.on("beforeMessage", (message: Message) => {
    lastMessage.set(evm, message);
  });
}

export function createUsdcPrecompile(options: { totalSupply: bigint; token?: Address }): CustomPrecompile {
  const token = getAddress(options.token ?? USDC_TOKEN_ADDRESS);
  const self = USDC_PRECOMPILE_ADDRESS.toLowerCase();
  return {
    address: USDC_PRECOMPILE_ADDRESS,
    function: async (input): Promise<ExecResult> => {
      const message = lastMessage.get(input._EVM);
      // Only a direct CALL/STATICCALL from the token: a DELEGATECALL or CALLCODE would run in the
      // token's caller's context, and `to` would not be the precompile.
      if (
        message === undefined ||
        message.to?.toString() !== self ||
        getAddress(message.caller.toString()) !== token
      ) {
        return revert("USDC precompile: caller is not the token", input.gasLimit, TOTAL_SUPPLY_GAS);
      }
      if (message.value !== 0n)
        return revert("USDC precompile: value not accepted", input.gasLimit, TOTAL_SUPPLY_GAS);
      let call: ReturnType<typeof decodeFunctionData<typeof usdcPrecompileAbi>>;
      try {
        call = decodeFunctionData({ abi: usdcPrecompileAbi, data: bytesToHex(input.data) });
      } catch {
        return revert("USDC precompile: unknown call", input.gasLimit, TOTAL_SUPPLY_GAS);
      }
      if (call.functionName === "totalSupply") {
        if (input.gasLimit < TOTAL_SUPPLY_GAS) return outOfGas(input.gasLimit);
        const result = encodeFunctionResult({
          abi: usdcPrecompileAbi,
          functionName: "totalSupply",
          result: options.totalSupply,
        });
        return { returnValue: hexToBytes(result), executionGasUsed: TOTAL_SUPPLY_GAS };
      }
      if (input.gasLimit < TRANSFER_GAS) return outOfGas(input.gasLimit);
      if (message.isStatic) {
        return {
          returnValue: new Uint8Array(0),
          executionGasUsed: input.gasLimit,
          exceptionError: new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE),
        };
      }
      const [from, to, amount] = call.args;
      const moved = await moveBalance(input._EVM, from, to, amount);
      if (!moved) return revert("USDC precompile: insufficient balance", input.gasLimit, TRANSFER_GAS);
      const result = encodeFunctionResult({ abi: usdcPrecompileAbi, functionName: "transfer", result: true });
      return { returnValue: hexToBytes(result), executionGasUsed: TRANSFER_GAS };
    },
  };
}

async function moveBalance(evm: EVMInterface, from: Address, to: Address, amount: bigint): Promise<boolean> {
  const fromAddress = createAddressFromString(from);
  const source = (await evm.stateManager.getAccount(fromAddress)) ?? new Account();
  if (source.balance < amount) return false;
  if (amount === 0n || getAddress(from) === getAddress(to)) return true;
  source.balance -= amount;
  // Writes go through the journal so that a revert of the calling frame undoes them.
  await evm.journal.putAccount(fromAddress, source);
  const toAddress = createAddressFromString(to);
  const target = (await evm.stateManager.getAccount(toAddress)) ?? new Account();
  target.balance += amount;
  await evm.journal.putAccount(toAddress, target);
  return true;
}

function revert(reason: string, gasLimit: bigint, gas: bigint): ExecResult {
  const data = encodeErrorResult({ abi: errorAbi, errorName: "Error", args: [reason] });
  return {
    returnValue: hexToBytes(data),
    executionGasUsed: gas < gasLimit ? gas : gasLimit,
    exceptionError: new EVMError(EVMError.errorMessages.REVERT),
  };
}

function outOfGas(gasLimit: bigint): ExecResult {
  return {
    returnValue: new Uint8Array(0),
    executionGasUsed: gasLimit,
    exceptionError: new EVMError(EVMError.errorMessages.OUT_OF_GAS),
  };
}
