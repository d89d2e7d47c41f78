/** Worker thread: verify BLS batches sent as bytes (see blsWire.ts), locating bad signatures. */
import { verifySameMessage, verifySignatureSets } from "../blsBatch.js";
import { decodeSameMessage, decodeSignatureSets, encodeValidity } from "../blsWire.js";
import { serveTasks } from "./serve.js";

serveTasks({
  sets: (input) => encodeValidity(verifySignatureSets(decodeSignatureSets(input))),
  sameMessage(input) {
    const { message, signatures } = decodeSameMessage(input);
    return encodeValidity(verifySameMessage(message, signatures));
  },
});
