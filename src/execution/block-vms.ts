/**
 * The VMs that execute blocks, reused across blocks. Building one (createVM: a Common parameter merge,
 * the opcode table for the hardfork, the precompile map, a journal, an EVM) costs more than executing
 * a small block, and every view of the chain executes at least one block per validator. A VM keeps no
 * block state of its own: the state lives in the state manager, which each block brings (a fresh one
 * from WorldState.at), so reusing a VM means pointing its three state references at the block's.
 *
 * A VM someone listened to (a tracer on its EVM) is not given back: its listeners stay on it.
 */
import type { Common } from "@ethereumjs/common";
import type { CustomPrecompile, EVM } from "@ethereumjs/evm";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { createVM, type VM } from "@ethereumjs/vm";
import { enableJumpAnalysisCache } from "./jump-analysis-cache.js";
import { trackCallers } from "./usdc-precompile.js";

/** Idle VMs kept per chain: a leader builds and verifies at most a few blocks at a time. */
const IDLE_VMS = 8;

export interface VmRules {
  common: Common;
  precompiles: CustomPrecompile[];
}

const pools = new WeakMap<VmRules, VM[]>();

const precompiles = new WeakMap<VM, ReadonlySet<string>>();

/** A VM for `rules`, an idle one when there is one; `useState` gives it the block's state. */
export async function acquireVm(rules: VmRules): Promise<VM> {
  return pools.get(rules)?.pop() ?? createBlockVm(rules);
}

/** Addresses (unprefixed hex) of every precompile of `vm`, ours included. */
export function precompileAddresses(vm: VM): ReadonlySet<string> {
  let addresses = precompiles.get(vm);
  if (addresses === undefined) {
    addresses = new Set(vm.evm.precompiles.keys());
    precompiles.set(vm, addresses);
  }
  return addresses;
}

/** The three places a VM keeps its state manager (the library's fields; the VM's is typed readonly). */
interface StateReferences {
  stateManager: MerkleStateManager;
  evm: Omit<EVM, "journal"> & {
    journal: Pick<EVM["journal"], "cleanJournal"> & { stateManager: MerkleStateManager };
  };
}

/** Points `vm` at a block's state, with a clean journal. */
export function useState(vm: VM, stateManager: MerkleStateManager): void {
  const refs = vm as unknown as StateReferences;
  refs.stateManager = stateManager;
  refs.evm.stateManager = stateManager;
  refs.evm.journal.stateManager = stateManager;
  // A block that threw mid-transaction may have left warm addresses or transient storage behind.
  refs.evm.journal.cleanJournal();
  refs.evm.transientStorage.clear();
}

/** Gives `vm` back once its block is done; nothing may use it afterwards. */
export function releaseVm(rules: VmRules, vm: VM): void {
  let idle = pools.get(rules);
  if (idle === undefined) {
    idle = [];
    pools.set(rules, idle);
  }
  if (idle.length < IDLE_VMS) idle.push(vm);
}

async function createBlockVm(rules: VmRules): Promise<VM> {
  const vm = await createVM({
    common: rules.common,
    evmOpts: { customPrecompiles: rules.precompiles },
  });
  trackCallers(vm.evm);
  // A block calls the same contracts over and over (a token): analyse each code array once.
  await enableJumpAnalysisCache(vm.evm);
  return vm;
}
