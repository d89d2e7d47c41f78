// Deploys CompatCounter through Hardhat 3 and hardhat-viem, writes to it, reads it back and prints one
// JSON line with what a user would check (test/compat/hardhat.test.ts runs it against a node):
//   RPC_URL=http://127.0.0.1:8545 npx hardhat run contracts/script/hardhat-compat.ts --network kairos
import { network } from "hardhat";

const { viem } = await network.getOrCreate();
const publicClient = await viem.getPublicClient();
const [wallet] = await viem.getWalletClients();
if (wallet === undefined) throw new Error("the kairos network has no account configured");

const counter = await viem.deployContract("CompatCounter", [42n]);
const deployedCount = await counter.read.count();
const owner = await counter.read.owner();

const hash = await counter.write.set([7n]);
const receipt = await publicClient.waitForTransactionReceipt({ hash });
const events = await counter.getEvents.CountSet(
  {},
  { fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber },
);
const code = await publicClient.getCode({ address: counter.address });

console.log(
  JSON.stringify({
    chainId: await publicClient.getChainId(),
    deployer: wallet.account.address,
    address: counter.address,
    owner,
    deployedCount: deployedCount.toString(),
    count: (await counter.read.count()).toString(),
    sum: (await counter.read.add([2n, 3n])).toString(),
    setStatus: receipt.status,
    events: events.map((e) => ({ by: e.args.by, count: e.args.count?.toString() })),
    codeBytes: code === undefined ? 0 : (code.length - 2) / 2,
  }),
);
