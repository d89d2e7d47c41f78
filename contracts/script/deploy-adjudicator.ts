// Deploys the channel adjudicator through Hardhat 3 and hardhat-viem, then prints its address as JSON:
//   npx hardhat run contracts/script/deploy-adjudicator.ts --network kairos
import { network } from "hardhat";

const { viem } = await network.getOrCreate();
const adjudicator = await viem.deployContract("ChannelAdjudicator");
const chainId = await (await viem.getPublicClient()).getChainId();
console.log(JSON.stringify({ adjudicator: adjudicator.address, chainId }));
