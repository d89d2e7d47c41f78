/**
 * The ChannelAdjudicator ABI, written to match contracts/ChannelAdjudicator.sol (the source of truth).
 * test/unit/channels/abi.test.ts compiles that contract with solc-js and checks every entry here against it.
 */

const paramsTuple = {
  type: "tuple",
  name: "p",
  components: [
    { name: "participants", type: "address[]" },
    { name: "payees", type: "address[]" },
    { name: "nonce", type: "uint256" },
    { name: "challengePeriod", type: "uint256" },
  ],
} as const;

const stateTuple = {
  type: "tuple",
  name: "s",
  components: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint256" },
    { name: "balances", type: "uint256[]" },
    { name: "deposits", type: "uint256[]" },
    { name: "isFinal", type: "bool" },
  ],
} as const;

const sigsArray = { name: "sigs", type: "bytes[]" } as const;

/** The ABI tuple of Params alone, for channelId's abi.encode. */
export const paramsAbiParameter = paramsTuple;

export const adjudicatorAbi = [
  {
    type: "function",
    name: "deposit",
    stateMutability: "payable",
    inputs: [paramsTuple, { name: "participant", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "depositToken",
    stateMutability: "nonpayable",
    inputs: [paramsTuple, { name: "participant", type: "uint256" }, { name: "amount6", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "close",
    stateMutability: "nonpayable",
    inputs: [paramsTuple, stateTuple, sigsArray],
    outputs: [],
  },
  {
    type: "function",
    name: "challenge",
    stateMutability: "nonpayable",
    inputs: [paramsTuple, stateTuple, sigsArray],
    outputs: [],
  },
  {
    type: "function",
    name: "respond",
    stateMutability: "nonpayable",
    inputs: [paramsTuple, stateTuple, sigsArray],
    outputs: [],
  },
  { type: "function", name: "settle", stateMutability: "nonpayable", inputs: [paramsTuple], outputs: [] },
  { type: "function", name: "claim", stateMutability: "nonpayable", inputs: [], outputs: [] },
  {
    type: "function",
    name: "holdings",
    stateMutability: "view",
    inputs: [{ name: "channelId", type: "bytes32" }],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "totalDeposited",
    stateMutability: "view",
    inputs: [
      { name: "channelId", type: "bytes32" },
      { name: "participant", type: "uint256" },
    ],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "challengeOf",
    stateMutability: "view",
    inputs: [{ name: "channelId", type: "bytes32" }],
    outputs: [
      { name: "version", type: "uint256" },
      { name: "finalizesAt", type: "uint256" },
      { name: "status", type: "uint8" },
    ],
  },
  {
    type: "function",
    name: "claimable",
    stateMutability: "view",
    inputs: [{ name: "", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "channelId",
    stateMutability: "view",
    inputs: [paramsTuple],
    outputs: [{ name: "", type: "bytes32" }],
  },
  {
    type: "event",
    name: "Deposited",
    anonymous: false,
    inputs: [
      { name: "channelId", type: "bytes32", indexed: true },
      { name: "participant", type: "uint256", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
      { name: "totalDeposited", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Challenged",
    anonymous: false,
    inputs: [
      { name: "channelId", type: "bytes32", indexed: true },
      { name: "version", type: "uint256", indexed: false },
      { name: "finalizesAt", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Responded",
    anonymous: false,
    inputs: [
      { name: "channelId", type: "bytes32", indexed: true },
      { name: "version", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Concluded",
    anonymous: false,
    inputs: [{ name: "channelId", type: "bytes32", indexed: true }],
  },
  {
    type: "event",
    name: "PayoutDeferred",
    anonymous: false,
    inputs: [
      { name: "channelId", type: "bytes32", indexed: true },
      { name: "payee", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  // Added by the contract beyond the shared spec (contracts/README.md): so viem can decode reverts.
  { inputs: [], name: "AlreadyChallenged", type: "error" },
  {
    inputs: [
      { name: "balances", type: "uint256" },
      { name: "deposits", type: "uint256" },
    ],
    name: "BalanceSumMismatch",
    type: "error",
  },
  { inputs: [{ name: "finalizesAt", type: "uint256" }], name: "ChallengeExpired", type: "error" },
  { inputs: [{ name: "finalizesAt", type: "uint256" }], name: "ChallengeNotExpired", type: "error" },
  { inputs: [{ name: "channelId", type: "bytes32" }], name: "ChannelConcluded", type: "error" },
  {
    inputs: [
      { name: "expected", type: "bytes32" },
      { name: "actual", type: "bytes32" },
    ],
    name: "ChannelIdMismatch",
    type: "error",
  },
  { inputs: [], name: "ClaimFailed", type: "error" },
  { inputs: [], name: "InvalidParams", type: "error" },
  { inputs: [{ name: "participant", type: "uint256" }], name: "InvalidParticipant", type: "error" },
  { inputs: [], name: "InvalidShortString", type: "error" },
  { inputs: [{ name: "participant", type: "uint256" }], name: "InvalidSignature", type: "error" },
  { inputs: [], name: "LengthMismatch", type: "error" },
  { inputs: [], name: "NotChallenged", type: "error" },
  { inputs: [], name: "NotFinal", type: "error" },
  { inputs: [], name: "NothingToClaim", type: "error" },
  { inputs: [], name: "ReentrancyGuardReentrantCall", type: "error" },
  {
    inputs: [
      { name: "bits", type: "uint8" },
      { name: "value", type: "int256" },
    ],
    name: "SafeCastOverflowedIntDowncast",
    type: "error",
  },
  {
    inputs: [
      { name: "bits", type: "uint8" },
      { name: "value", type: "uint256" },
    ],
    name: "SafeCastOverflowedUintDowncast",
    type: "error",
  },
  {
    inputs: [
      { name: "registered", type: "uint256" },
      { name: "offered", type: "uint256" },
    ],
    name: "StaleVersion",
    type: "error",
  },
  { inputs: [{ name: "str", type: "string" }], name: "StringTooLong", type: "error" },
  { inputs: [], name: "TokenTransferFailed", type: "error" },
  {
    inputs: [
      { name: "participant", type: "uint256" },
      { name: "stateDeposits", type: "uint256" },
      { name: "totalDeposited", type: "uint256" },
    ],
    name: "Underfunded",
    type: "error",
  },
  { inputs: [{ name: "version", type: "uint256" }], name: "VersionTooLarge", type: "error" },
  { inputs: [], name: "ZeroDeposit", type: "error" },
  {
    anonymous: false,
    inputs: [
      { indexed: true, name: "payee", type: "address" },
      { indexed: false, name: "amount", type: "uint256" },
    ],
    name: "Claimed",
    type: "event",
  },
  {
    inputs: [
      {
        components: [
          { name: "channelId", type: "bytes32" },
          { name: "version", type: "uint256" },
          { name: "balances", type: "uint256[]" },
          { name: "deposits", type: "uint256[]" },
          { name: "isFinal", type: "bool" },
        ],
        name: "s",
        type: "tuple",
      },
    ],
    name: "stateDigest",
    outputs: [{ name: "", type: "bytes32" }],
    stateMutability: "view",
    type: "function",
  },
] as const;

/** Challenge status as the adjudicator reports it in `challengeOf`. */
export const ChannelStatus = { Open: 0, Challenged: 1, Concluded: 2 } as const;
export type ChannelStatus = (typeof ChannelStatus)[keyof typeof ChannelStatus];
