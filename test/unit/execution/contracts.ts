/**
 * Hand-assembled contracts for tests (no compiler needed):
 * - Counter: every call increments slot 0 and emits `Incremented(uint256 newValue)`.
 * - Forwarder: forwards its calldata to the USDC precompile and returns (or reverts with) its answer;
 *   placed at the USDC token address it stands in for the token.
 */
import { concat, type Hex, keccak256, toHex } from "viem";

export const INCREMENTED_TOPIC = keccak256(toHex("Incremented(uint256)"));

export const COUNTER_RUNTIME = concat([
  "0x600054600101", // SLOAD(0) + 1
  "0x80600055", // DUP1, SSTORE(0)
  "0x600052", // MSTORE(0)
  "0x7f",
  INCREMENTED_TOPIC,
  "0x60206000a1", // LOG1(0, 32, topic)
  "0x00",
]);

/** Init code: copy the runtime (which starts at byte 12) to memory and return it. */
export function deployCode(runtime: Hex): Hex {
  const length = (runtime.length - 2) / 2;
  if (length > 255) throw new Error("runtime too long for PUSH1");
  const len = length.toString(16).padStart(2, "0");
  return concat([`0x60${len}600c600039`, `0x60${len}6000f3`, runtime]);
}

export const COUNTER_INIT = deployCode(COUNTER_RUNTIME);

export const FORWARDER_RUNTIME: Hex = concat([
  "0x366000600037", // CALLDATACOPY(0, 0, CALLDATASIZE)
  "0x600060003660006000611000", // CALL args: retSize 0, retOffset 0, argsSize, argsOffset 0, value 0, 0x1000
  "0x5af1", // GAS, CALL
  "0x3d600060003e", // RETURNDATACOPY(0, 0, RETURNDATASIZE)
  "0x602157", // JUMPI to 0x21 on success
  "0x3d6000fd", // REVERT(0, RETURNDATASIZE)
  "0x5b3d6000f3", // JUMPDEST, RETURN(0, RETURNDATASIZE)
]);
