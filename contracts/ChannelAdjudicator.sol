// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ChannelAdjudicator — USDC payment channels for two or more parties
/// @notice Participants fund a channel on-chain, exchange EIP-712 signed states off-chain, and settle
/// either cooperatively (`close`, a final state signed by all) or unilaterally (`challenge`, `respond`
/// with strictly higher versions until the timer runs out, then `settle`).
/// @dev Design after Nitro (challenge/respond/conclude), Perun (versions, pull fallback) and Connext Vector
/// (per-participant processed deposits). Participant i is paid
///   balances[i] + (totalDeposited[i] - deposits[i])
/// so a top-up made after a state was signed is returned on top of that state's balance, and the
/// payouts of a valid state add up to exactly what the channel holds.
/// Amounts are native USDC in wei (18 decimals). Payouts are pushed with a gas stipend; a push that fails
/// (reverting, gas-burning or reentrant payee) is credited to `claimable` and withdrawn with `claim`.
contract ChannelAdjudicator is EIP712, ReentrancyGuardTransient {
    using SafeCast for uint256;
    using SafeCast for int256;

    struct Params {
        address[] participants; // signing keys
        address[] payees; // who receives participant i's payout
        uint256 nonce; // a fresh nonce makes a fresh channel: old states are useless in it
        uint256 challengePeriod; // seconds
    }

    struct State {
        bytes32 channelId;
        uint256 version;
        uint256[] balances;
        uint256[] deposits; // cumulative deposits per participant this state accounts for
        bool isFinal;
    }

    enum Status {
        Open,
        Challenged,
        Concluded
    }

    /// One storage slot per channel.
    struct Channel {
        uint128 holdings; // native wei held for the channel; sum of totalDeposited while not concluded
        uint64 version; // registered version (meaningful once challenged)
        uint48 finalizesAt; // end of the challenge timer
        Status status;
    }

    /// One storage slot per participant: what was deposited for them and, once a state is registered,
    /// that state's balances[i] - deposits[i]. Registration requires deposits[i] <= deposited, and
    /// deposited only grows, so deposited + delta >= 0 at payout.
    struct Account {
        uint128 deposited;
        int128 delta;
    }

    /// The ERC-20 view of native USDC (6 decimals) at its genesis address.
    IERC20 public constant USDC_TOKEN = IERC20(0x3600000000000000000000000000000000000000);
    uint256 private constant TOKEN_SCALE = 1e12;
    /// Gas forwarded with a payout push: enough for a contract wallet's receive hook, bounded so that a
    /// gas-burning payee cannot make settlement expensive for others.
    uint256 public constant PAYOUT_GAS_STIPEND = 10_000;
    uint256 public constant MAX_PARTICIPANTS = 32;
    uint256 public constant MAX_CHALLENGE_PERIOD = 365 days;

    bytes32 public constant STATE_TYPEHASH =
        keccak256("State(bytes32 channelId,uint256 version,uint256[] balances,uint256[] deposits,bool isFinal)");

    mapping(bytes32 channelId => Channel) private _channels;
    mapping(bytes32 channelId => mapping(uint256 participant => Account)) private _accounts;
    mapping(address payee => uint256) private _claimable;

    event Deposited(bytes32 indexed channelId, uint256 indexed participant, uint256 amount, uint256 totalDeposited);
    event Challenged(bytes32 indexed channelId, uint256 version, uint256 finalizesAt);
    event Responded(bytes32 indexed channelId, uint256 version);
    event Concluded(bytes32 indexed channelId);
    event PayoutDeferred(bytes32 indexed channelId, address indexed payee, uint256 amount);
    event Claimed(address indexed payee, uint256 amount);

    error InvalidParams();
    error InvalidParticipant(uint256 participant);
    error ZeroDeposit();
    error TokenTransferFailed();
    error ChannelConcluded(bytes32 channelId);
    error ChannelIdMismatch(bytes32 expected, bytes32 actual);
    error LengthMismatch();
    error BalanceSumMismatch(uint256 balances, uint256 deposits);
    error Underfunded(uint256 participant, uint256 stateDeposits, uint256 totalDeposited);
    error InvalidSignature(uint256 participant);
    error NotFinal();
    error VersionTooLarge(uint256 version);
    error NotChallenged();
    error AlreadyChallenged();
    error StaleVersion(uint256 registered, uint256 offered);
    error ChallengeExpired(uint256 finalizesAt);
    error ChallengeNotExpired(uint256 finalizesAt);
    error NothingToClaim();
    error ClaimFailed();

    constructor() EIP712("Kairos Channels", "1") {}

    // ---------------------------------------------------------------------------------------- funding

    /// @notice Deposit native USDC (msg.value) for `participant`. Anyone may fund anyone.
    function deposit(Params calldata p, uint256 participant) external payable nonReentrant {
        if (msg.value == 0) revert ZeroDeposit();
        _credit(p, participant, msg.value);
    }

    /// @notice Deposit ERC-20 USDC (6 decimals) for `participant`; the caller must have approved this
    /// contract on the token. Credited as amount6 * 10^12 wei: the token moves native balance.
    function depositToken(Params calldata p, uint256 participant, uint256 amount6) external nonReentrant {
        if (amount6 == 0) revert ZeroDeposit();
        // Effects before the (trusted, fixed-address) token call; a failed transfer reverts everything.
        _credit(p, participant, amount6 * TOKEN_SCALE);
        if (!USDC_TOKEN.transferFrom(msg.sender, address(this), amount6)) revert TokenTransferFailed();
    }

    // ---------------------------------------------------------------------------------------- exits

    /// @notice Cooperative exit: a final state signed by every participant pays out at once. Allowed
    /// while a challenge runs if the final state is at least the registered version.
    function close(Params calldata p, State calldata s, bytes[] calldata sigs) external nonReentrant {
        bytes32 id = _channelId(p);
        Channel memory c = _channels[id];
        if (c.status == Status.Concluded) revert ChannelConcluded(id);
        if (!s.isFinal) revert NotFinal();
        if (c.status == Status.Challenged && s.version < c.version) revert StaleVersion(c.version, s.version);
        uint256 n = _checkState(id, p, s, sigs);

        // Effects: the channel is concluded and empty before any value leaves.
        uint256 held = c.holdings;
        _channels[id] = Channel({holdings: 0, version: c.version, finalizesAt: c.finalizesAt, status: Status.Concluded});
        emit Concluded(id);

        uint256 paid;
        for (uint256 i; i < n; ++i) {
            uint256 amount = s.balances[i] + _accounts[id][i].deposited - s.deposits[i];
            paid += amount;
            _pay(id, p.payees[i], amount);
        }
        // sum(balances) == sum(deposits) makes the payouts add up to the holdings exactly.
        assert(paid == held);
    }

    /// @notice Register a state signed by all participants and start the challenge timer. Anyone may
    /// submit it (a watchtower, say); the timer starts once per channel.
    function challenge(Params calldata p, State calldata s, bytes[] calldata sigs) external nonReentrant {
        bytes32 id = _channelId(p);
        Channel memory c = _channels[id];
        if (c.status == Status.Concluded) revert ChannelConcluded(id);
        if (c.status == Status.Challenged) revert AlreadyChallenged();
        uint256 n = _checkState(id, p, s, sigs);

        uint256 finalizesAt = block.timestamp + p.challengePeriod;
        c.version = _version(s.version);
        c.finalizesAt = finalizesAt.toUint48();
        c.status = Status.Challenged;
        _channels[id] = c;
        _register(id, s, n);
        emit Challenged(id, s.version, finalizesAt);
    }

    /// @notice Replace the registered state with a strictly higher version before the timer runs out.
    /// The timer is not extended.
    function respond(Params calldata p, State calldata s, bytes[] calldata sigs) external nonReentrant {
        bytes32 id = _channelId(p);
        Channel memory c = _channels[id];
        if (c.status == Status.Concluded) revert ChannelConcluded(id);
        if (c.status != Status.Challenged) revert NotChallenged();
        if (block.timestamp >= c.finalizesAt) revert ChallengeExpired(c.finalizesAt);
        if (s.version <= c.version) revert StaleVersion(c.version, s.version);
        uint256 n = _checkState(id, p, s, sigs);

        _channels[id].version = _version(s.version);
        _register(id, s, n);
        emit Responded(id, s.version);
    }

    /// @notice After the timer, pay out the registered state (plus any top-ups made since it was signed).
    function settle(Params calldata p) external nonReentrant {
        bytes32 id = _channelId(p);
        Channel memory c = _channels[id];
        if (c.status == Status.Concluded) revert ChannelConcluded(id);
        if (c.status != Status.Challenged) revert NotChallenged();
        if (block.timestamp < c.finalizesAt) revert ChallengeNotExpired(c.finalizesAt);

        uint256 held = c.holdings;
        _channels[id] = Channel({holdings: 0, version: c.version, finalizesAt: c.finalizesAt, status: Status.Concluded});
        emit Concluded(id);

        uint256 n = p.participants.length;
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            Account storage a = _accounts[id][i];
            uint256 amount = uint256(int256(uint256(a.deposited)) + a.delta);
            a.delta = 0; // refund: the registered state is spent
            paid += amount;
            _pay(id, p.payees[i], amount);
        }
        assert(paid == held);
    }

    /// @notice Withdraw what failed payout pushes left owed to msg.sender, with all remaining gas.
    function claim() external nonReentrant {
        uint256 amount = _claimable[msg.sender];
        if (amount == 0) revert NothingToClaim();
        _claimable[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert ClaimFailed();
        emit Claimed(msg.sender, amount);
    }

    // ---------------------------------------------------------------------------------------- views

    function channelId(Params calldata p) external view returns (bytes32) {
        return _channelId(p);
    }

    function holdings(bytes32 id) external view returns (uint256) {
        return _channels[id].holdings;
    }

    function totalDeposited(bytes32 id, uint256 participant) external view returns (uint256) {
        return _accounts[id][participant].deposited;
    }

    function challengeOf(bytes32 id) external view returns (uint256 version, uint256 finalizesAt, uint8 status) {
        Channel memory c = _channels[id];
        return (c.version, c.finalizesAt, uint8(c.status));
    }

    function claimable(address payee) external view returns (uint256) {
        return _claimable[payee];
    }

    /// @notice The EIP-712 digest participants sign for `s`.
    function stateDigest(State calldata s) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    STATE_TYPEHASH,
                    s.channelId,
                    s.version,
                    keccak256(abi.encodePacked(s.balances)),
                    keccak256(abi.encodePacked(s.deposits)),
                    s.isFinal
                )
            )
        );
    }

    // ---------------------------------------------------------------------------------------- internals

    function _channelId(Params calldata p) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), p));
    }

    function _credit(Params calldata p, uint256 participant, uint256 amount) private {
        _validateParams(p);
        if (participant >= p.participants.length) revert InvalidParticipant(participant);
        bytes32 id = _channelId(p);
        Channel storage c = _channels[id];
        // A concluded channel never pays out again, so money sent to it would be stuck.
        if (c.status == Status.Concluded) revert ChannelConcluded(id);
        c.holdings = (uint256(c.holdings) + amount).toUint128();
        Account storage a = _accounts[id][participant];
        uint256 total = uint256(a.deposited) + amount; // bounded by holdings, which fits uint128
        a.deposited = uint128(total);
        emit Deposited(id, participant, amount, total);
    }

    /// Rejects parameters under which deposited funds could never be released.
    function _validateParams(Params calldata p) private view {
        uint256 n = p.participants.length;
        if (n < 2 || n > MAX_PARTICIPANTS || p.payees.length != n) revert InvalidParams();
        if (p.challengePeriod == 0 || p.challengePeriod > MAX_CHALLENGE_PERIOD) revert InvalidParams();
        for (uint256 i; i < n; ++i) {
            address who = p.participants[i];
            address payee = p.payees[i];
            // This contract cannot receive pushes or call claim(): a payout to it would be stuck.
            if (who == address(0) || payee == address(0) || payee == address(this)) revert InvalidParams();
            for (uint256 j = i + 1; j < n; ++j) {
                if (p.participants[j] == who) revert InvalidParams();
            }
        }
    }

    /// Checks that `s` belongs to this channel, is well formed, is funded, and is signed by every
    /// participant in order. Returns the number of participants.
    function _checkState(bytes32 id, Params calldata p, State calldata s, bytes[] calldata sigs)
        private
        view
        returns (uint256 n)
    {
        if (s.channelId != id) revert ChannelIdMismatch(id, s.channelId);
        n = p.participants.length;
        if (s.balances.length != n || s.deposits.length != n || sigs.length != n) revert LengthMismatch();
        uint256 sumBalances;
        uint256 sumDeposits;
        for (uint256 i; i < n; ++i) {
            sumBalances += s.balances[i];
            uint256 d = s.deposits[i];
            sumDeposits += d;
            uint256 deposited = _accounts[id][i].deposited;
            if (d > deposited) revert Underfunded(i, d, deposited);
        }
        if (sumBalances != sumDeposits) revert BalanceSumMismatch(sumBalances, sumDeposits);

        bytes32 digest = stateDigest(s);
        for (uint256 i; i < n; ++i) {
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(digest, sigs[i]);
            if (err != ECDSA.RecoverError.NoError || signer != p.participants[i]) revert InvalidSignature(i);
        }
    }

    /// Stores balances[i] - deposits[i]; _checkState bounded both by the channel's holdings (uint128).
    function _register(bytes32 id, State calldata s, uint256 n) private {
        for (uint256 i; i < n; ++i) {
            _accounts[id][i].delta = (int256(s.balances[i]) - int256(s.deposits[i])).toInt128();
        }
    }

    function _version(uint256 v) private pure returns (uint64) {
        if (v > type(uint64).max) revert VersionTooLarge(v);
        return uint64(v);
    }

    /// Pushes `amount` to `payee` with a bounded gas stipend and no return data copied; on failure the
    /// amount becomes claimable, so one bad payee cannot block the others.
    function _pay(bytes32 id, address payee, uint256 amount) private {
        if (amount == 0) return;
        bool ok;
        assembly ("memory-safe") {
            ok := call(PAYOUT_GAS_STIPEND, payee, amount, 0, 0, 0, 0)
        }
        if (!ok) {
            _claimable[payee] += amount;
            emit PayoutDeferred(id, payee, amount);
        }
    }
}
