// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice The privileged precompile that moves native USDC (18 decimals). The chain lets only the
/// USDC token contract call `transfer`; it reverts when `from` holds less than `amount18`.
interface INativeUSDC {
    function transfer(address from, address to, uint256 amount18) external returns (bool);
    function totalSupply() external view returns (uint256);
}

/// @title USDC — the ERC-20 view (6 decimals) of Kairos's native coin (18 decimals)
/// @notice One ledger, two views: balances are the accounts' native balances scaled down by 10^12,
/// and every ERC-20 movement moves native balance through the precompile at 0x…1000.
/// @dev Lives at 0x3600000000000000000000000000000000000000, placed there by genesis. It has no
/// constructor, no immutables and no initial storage, so genesis can install its runtime bytecode
/// (`deployedBytecode` of the compiled artifact) as is. The EIP-712 domain is computed on the fly for
/// the same reason. Native amounts below 10^12 wei (less than one micro-USDC) are invisible here.
contract USDC is IERC20, IERC20Metadata, IERC20Permit, IERC20Errors {
    INativeUSDC public constant NATIVE = INativeUSDC(0x0000000000000000000000000000000000001000);
    uint256 private constant SCALE = 1e12;

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 private constant NAME_HASH = keccak256("USD Coin");
    // Circle's FiatToken uses version "2"; keeping it lets existing USDC permit code work unchanged.
    bytes32 private constant VERSION_HASH = keccak256("2");

    mapping(address owner => mapping(address spender => uint256)) private _allowances;
    mapping(address owner => uint256) private _nonces;

    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);
    error NativeTransferFailed();

    function name() external pure returns (string memory) {
        return "USD Coin";
    }

    function symbol() external pure returns (string memory) {
        return "USDC";
    }

    function decimals() external pure returns (uint8) {
        return 6;
    }

    function totalSupply() external view returns (uint256) {
        return NATIVE.totalSupply() / SCALE;
    }

    function balanceOf(address account) public view returns (uint256) {
        return account.balance / SCALE;
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert ERC20InsufficientAllowance(msg.sender, allowed, value);
            unchecked {
                _allowances[from][msg.sender] = allowed - value;
            }
        }
        _move(from, to, value);
        return true;
    }

    // ------------------------------------------------------------------------ EIP-2612

    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _nonces[owner]++, deadline));
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        address signer = ECDSA.recover(digest, v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    function nonces(address owner) external view returns (uint256) {
        return _nonces[owner];
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    // ------------------------------------------------------------------------ internals

    function _move(address from, address to, uint256 value) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 available = from.balance / SCALE;
        if (available < value) revert ERC20InsufficientBalance(from, available, value);
        // value <= from.balance / SCALE, so value * SCALE cannot overflow.
        if (value != 0 && !NATIVE.transfer(from, to, value * SCALE)) revert NativeTransferFailed();
        emit Transfer(from, to, value);
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (owner == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }
}
