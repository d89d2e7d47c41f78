/** Worker thread: recover public keys for packed 97-byte signature tasks (see sender.ts). */
import { PUBLIC_KEY_BYTES, recoverPublicKey, SIGNATURE_TASK_BYTES } from "../secp256k1.js";
import { serveTasks } from "./serve.js";

serveTasks({
  /** Output per task: 1 byte ok flag ‖ 64-byte public key (zeros when recovery failed). */
  recover(input) {
    const count = input.length / SIGNATURE_TASK_BYTES;
    const output = new Uint8Array(count * (1 + PUBLIC_KEY_BYTES));
    for (let index = 0; index < count; index++) {
      const task = input.subarray(index * SIGNATURE_TASK_BYTES, (index + 1) * SIGNATURE_TASK_BYTES);
      const publicKey = recoverPublicKey(task);
      if (!publicKey) continue;
      const at = index * (1 + PUBLIC_KEY_BYTES);
      output[at] = 1;
      output.set(publicKey, at + 1);
    }
    return output;
  },
});
