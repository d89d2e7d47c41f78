/** eth_sendRawTransaction: hand a signed transaction to the mempool; report rejections as geth does. */
import { hexToBytes } from "viem";
import { z } from "zod";
import { InvalidParamsError, rejectionError } from "../errors.js";
import { defineMethod } from "../method.js";
import { data } from "../params.js";

export const ethSendMethods = [
  defineMethod("eth_sendRawTransaction", ["transaction"], z.tuple([data]), async ([raw], { backend }) => {
    if (raw.length <= 2) throw new InvalidParamsError("invalid argument 0 (transaction): empty transaction");
    try {
      return await backend.submitter.submitRawTransaction(hexToBytes(raw));
    } catch (error) {
      const { code, rpcCode } = (error ?? {}) as { code?: unknown; rpcCode?: unknown };
      if (error instanceof Error && typeof code === "string") {
        throw rejectionError(code, error.message, typeof rpcCode === "number" ? rpcCode : undefined);
      }
      throw error;
    }
  }),
];
