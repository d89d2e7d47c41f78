#!/usr/bin/env node
/** The `kairos` command: parse the arguments, run the command, turn known errors into clear exits. */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { ConfigError } from "../config/errors.js";
import { parseCommand, USAGE, UsageError } from "./args.js";

// Each command imports what it needs when it runs: the node's dependencies (viem, @ethereumjs,
// libp2p) take seconds to load, and `kairos --help` or `kairos keys generate` should not wait for them.

async function main(argv: string[]): Promise<void> {
  const command = parseCommand(argv);
  switch (command.name) {
    case "help":
      process.stdout.write(USAGE);
      return;
    case "start": {
      const { runDevnet } = await import("../node/devnet.js");
      return runDevnet(command);
    }
    case "node": {
      const { runNode } = await import("../node/run-node.js");
      return runNode(command.configFile);
    }
    case "keys": {
      const { generateKeys } = await import("../crypto/keyFiles.js");
      const keys = await generateKeys(command.outDir);
      console.log(
        JSON.stringify(
          {
            blsPublicKey: keys.blsPublicKey,
            peerId: keys.peerId,
            files: [keys.blsKeyFile, keys.libp2pKeyFile],
          },
          null,
          2,
        ),
      );
      return;
    }
    case "genesis": {
      const { createGenesis, validatorEntrySchema } = await import("../execution/genesis.js");
      const validators = validatorEntrySchema
        .array()
        .parse(JSON.parse(await readFile(command.validatorsFile, "utf8")));
      const genesis = createGenesis({
        validators,
        chainId: command.chainId === undefined ? undefined : BigInt(command.chainId),
      });
      await writeFile(command.outFile, `${JSON.stringify(genesis, null, 2)}\n`);
      console.log(`wrote ${command.outFile}`);
      return;
    }
    case "localnet": {
      const genesisFile = `${command.outDir}/genesis.json`;
      const { devnetGenesis } = await import("../node/devnet-genesis.js");
      const { writeLocalnet } = await import("../node/localnet-configs.js");
      await mkdir(command.outDir, { recursive: true });
      await writeFile(genesisFile, `${JSON.stringify(await devnetGenesis(command.validators), null, 2)}\n`);
      const files = await writeLocalnet({
        dir: command.outDir,
        validators: command.validators,
        genesisFile,
        ports: { rpc: 8545, p2p: command.basePort, metrics: 9464 },
      });
      console.log(files.join("\n"));
      return;
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
