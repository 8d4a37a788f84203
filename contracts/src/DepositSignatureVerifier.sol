// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The BLS check of a beacon deposit, with the EIP-2537 BLS12-381 precompiles (Pectra).
/// @notice Checks that a 32 ETH deposit's signature is the validator key's signature of its
///         deposit message (pubkey, withdrawal credentials, 32 ETH) for one network, as the
///         beacon chain checks it: a deposit that fails this is kept by the deposit contract
///         and ignored by the beacon chain, its 32 ETH gone.
/// @dev The key and the signature arrive compressed (48 and 96 bytes, the ZCash / IETF
///      encoding the deposit contract takes) together with the same points uncompressed in the
///      precompiles' encoding (each Fp as 64 bytes: 16 zero bytes, then 48 big-endian; an Fp2
///      as c0 ‖ c1). Decompressing on chain would need square roots in Fp and Fp2 (a dozen
///      modexp calls and 381-bit arithmetic in EVM words); instead the given points are checked
///      to compress to exactly the given bytes (x equal, the compression flag set, the infinity
///      flag clear, the sign flag equal to whether y is the lexicographically larger root). The
///      pairing precompile then refuses a point that is not on its curve, not in the
///      prime-order subgroup or not canonical (coordinates below p), so the uncompressed points
///      are the only decompression of the bytes the deposit contract receives.
///      Message: signing_root = sha256(hash_tree_root(DepositMessage) ‖ domain), hashed to G2
///      per RFC 9380 (expand_message_xmd with SHA-256, DST
///      "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_", two Fp2 elements mapped with
///      MAP_FP2_TO_G2, which clears the cofactor, and added); the check is
///      e(-g1, signature) · e(pubkey, H(m)) == 1.
contract DepositSignatureVerifier {
    /// @notice Results of `verify`.
    uint256 public constant OK = 0;
    /// @dev The uncompressed points are not the decompression of the given bytes (or are the
    ///      point at infinity, or the input has the wrong length).
    uint256 public constant POINTS_MISMATCH = 1;
    /// @dev The pairing precompile refused a point: not on the curve, not in the subgroup, or a
    ///      coordinate not below p.
    uint256 public constant INVALID_POINT = 2;
    /// @dev Valid points, but not the key's signature of this deposit on this network.
    uint256 public constant WRONG_SIGNATURE = 3;

    /// @notice Length of `verify`'s input: credentials (32) ‖ pubkey (48) ‖ signature (96) ‖
    ///         pubkey uncompressed (128) ‖ signature uncompressed (256).
    uint256 public constant INPUT_LENGTH = 560;
    /// @notice Length of the uncompressed points of one entry: pubkey (128) ‖ signature (256).
    uint256 public constant POINTS_LENGTH = 384;

    // Precompiles.
    uint256 private constant SHA256 = 0x02;
    uint256 private constant MODEXP = 0x05;
    uint256 private constant G2ADD = 0x0d;
    uint256 private constant PAIRING_CHECK = 0x0f;
    uint256 private constant MAP_FP2_TO_G2 = 0x11;

    // p, split in its high 128 bits and low 256 bits.
    uint256 private constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;
    // (p - 1) / 2: y is the larger of its two roots when above it.
    uint256 private constant HALF_HI = 0x0d0088f51cbff34d258dd3db21a5d66b;
    uint256 private constant HALF_LO = 0xb23ba5c279c2895fb39869507b587b120f55ffff58a9ffffdcff7fffffffd555;
    // -g1: the generator of G1 with y negated.
    uint256 private constant NEG_G1_X_HI = 0x17f1d3a73197d7942695638c4fa9ac0f;
    uint256 private constant NEG_G1_X_LO = 0xc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb;
    uint256 private constant NEG_G1_Y_HI = 0x114d1d6855d545a8aa7d76c8cf2e21f2;
    uint256 private constant NEG_G1_Y_LO = 0x67816aef1db507c96655b9d5caac42364e6f38ba0ecb751bad54dcd6b939c2ca;
    /// @dev The low 381 bits of a 384-bit big-endian field element whose top 3 bits are flags,
    ///      as the high 128 bits' mask.
    uint256 private constant X_HI_MASK = (1 << 125) - 1;
    // DST ‖ I2OSP(len(DST), 1): 44 bytes, as 32 + 12.
    uint256 private constant DST_PRIME_0 = 0x424c535f5349475f424c53313233383147325f584d443a5348412d3235365f53;
    uint256 private constant DST_PRIME_1 = 0x5357555f524f5f504f505f2b0000000000000000000000000000000000000000;
    uint256 private constant DST_PRIME_LENGTH = 44;
    /// @dev 32 ETH in gwei, little-endian in a chunk (the DepositMessage's amount field).
    bytes32 private constant AMOUNT_CHUNK = 0x0040597307000000000000000000000000000000000000000000000000000000;

    /// @notice The GENESIS_FORK_VERSION of the network the deposits are for.
    bytes4 public immutable genesisForkVersion;
    /// @notice DOMAIN_DEPOSIT for that network: 0x03000000 ‖ hash_tree_root(ForkData{
    ///         genesisForkVersion, 0})[0..28].
    bytes32 public immutable depositDomain;
    /// @dev sha256(AMOUNT_CHUNK ‖ 0): the right half of every 32 ETH DepositMessage's tree.
    bytes32 private immutable amountNode;

    error PrecompileFailed(uint256 precompile);

    constructor(bytes4 genesisForkVersion_) {
        genesisForkVersion = genesisForkVersion_;
        bytes32 forkDataRoot = sha256(abi.encodePacked(bytes32(genesisForkVersion_), bytes32(0)));
        depositDomain = bytes32((uint256(0x03) << 248) | (uint256(forkDataRoot) >> 32));
        amountNode = sha256(abi.encodePacked(AMOUNT_CHUNK, bytes32(0)));
    }

    // ------------------------------------------------------------------ checks

    /// @notice Checks one deposit (see INPUT_LENGTH for the layout); returns OK or why not.
    /// @dev A point the pairing refuses consumes the gas this call forwards to the precompile
    ///      (63/64 of what is left): a refused entry is an error, never a normal path.
    function verify(bytes calldata input) external view returns (uint256) {
        if (input.length != INPUT_LENGTH) return POINTS_MISMATCH;
        uint256 credentials;
        assembly ("memory-safe") {
            credentials := input.offset
        }
        uint256 pubkey = credentials + 32;
        uint256 signature = pubkey + 48;
        uint256 pubkeyPoint = signature + 96;
        uint256 signaturePoint = pubkeyPoint + 128;
        if (!_g1Matches(pubkey, pubkeyPoint) || !_g2Matches(signature, signaturePoint)) return POINTS_MISMATCH;
        bytes32 root = _signingRoot(pubkey, bytes32(input[0:32]));
        return _pairing(pubkeyPoint, signaturePoint, root);
    }

    /// @notice The 32 bytes a validator key signs for a 32 ETH deposit of `pubkey` to
    ///         `credentials` on this network.
    function signingRoot(bytes calldata pubkey, bytes32 credentials) external view returns (bytes32) {
        require(pubkey.length == 48);
        uint256 offset;
        assembly {
            offset := pubkey.offset
        }
        return _signingRoot(offset, credentials);
    }

    /// @notice hash_to_curve(message) in G2 for Ethereum's ciphersuite, uncompressed (256 bytes).
    function hashToG2(bytes calldata message) external view returns (bytes memory point) {
        point = new bytes(256);
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := mload(0x40)
            calldatacopy(ptr, message.offset, message.length)
            mstore(0x40, add(ptr, message.length))
        }
        uint256 out;
        assembly ("memory-safe") {
            out := add(point, 0x20)
        }
        _hashToG2(ptr, message.length, out);
    }

    // ------------------------------------------------------------------ compression

    /// @dev Whether the 128-byte G1 point at calldata `point` is the decompression of the
    ///      48 bytes at calldata `compressed`, and not the point at infinity.
    function _g1Matches(uint256 compressed, uint256 point) private pure returns (bool ok) {
        assembly ("memory-safe") {
            let a := calldataload(compressed)
            let b := shr(128, calldataload(add(compressed, 32)))
            let flags := shr(253, a)
            ok := and(eq(calldataload(point), and(shr(128, a), X_HI_MASK)), eq(calldataload(add(point, 32)), or(shl(128, a), b)))
            let yHi := calldataload(add(point, 64))
            let yLo := calldataload(add(point, 96))
            let larger := or(gt(yHi, HALF_HI), and(eq(yHi, HALF_HI), gt(yLo, HALF_LO)))
            // flags: compression 1, infinity 0, sign = larger
            ok := and(ok, eq(flags, or(4, larger)))
            ok := and(ok, iszero(iszero(or(yHi, yLo))))
        }
    }

    /// @dev Whether the 256-byte G2 point at calldata `point` (x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1) is
    ///      the decompression of the 96 bytes at calldata `compressed` (x.c1 with the flags,
    ///      then x.c0), and not the point at infinity. The sign of y is that of y.c1, or of
    ///      y.c0 when y.c1 is zero.
    function _g2Matches(uint256 compressed, uint256 point) private pure returns (bool ok) {
        assembly ("memory-safe") {
            let a := calldataload(compressed)
            let b := shr(128, calldataload(add(compressed, 32)))
            let flags := shr(253, a)
            ok := and(eq(calldataload(add(point, 64)), and(shr(128, a), X_HI_MASK)), eq(calldataload(add(point, 96)), or(shl(128, a), b)))
            let c := calldataload(add(compressed, 48))
            let d := shr(128, calldataload(add(compressed, 80)))
            ok := and(ok, and(eq(calldataload(point), shr(128, c)), eq(calldataload(add(point, 32)), or(shl(128, c), d))))
            let y0Hi := calldataload(add(point, 128))
            let y0Lo := calldataload(add(point, 160))
            let y1Hi := calldataload(add(point, 192))
            let y1Lo := calldataload(add(point, 224))
            let larger := or(gt(y1Hi, HALF_HI), and(eq(y1Hi, HALF_HI), gt(y1Lo, HALF_LO)))
            if iszero(or(y1Hi, y1Lo)) { larger := or(gt(y0Hi, HALF_HI), and(eq(y0Hi, HALF_HI), gt(y0Lo, HALF_LO))) }
            ok := and(ok, eq(flags, or(4, larger)))
            ok := and(ok, iszero(iszero(or(or(y0Hi, y0Lo), or(y1Hi, y1Lo)))))
        }
    }

    // ------------------------------------------------------------------ message

    /// @dev sha256(hash_tree_root(DepositMessage{pubkey, credentials, 32 ETH}) ‖ domain).
    function _signingRoot(uint256 pubkey, bytes32 credentials) private view returns (bytes32 root) {
        bytes32 domain = depositDomain;
        bytes32 right = amountNode;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            // pubkey root: its 48 bytes in two chunks, zero-padded.
            calldatacopy(ptr, pubkey, 48)
            mstore(add(ptr, 48), 0)
            if iszero(staticcall(gas(), SHA256, ptr, 64, ptr, 32)) { revert(0, 0) }
            mstore(add(ptr, 32), credentials)
            if iszero(staticcall(gas(), SHA256, ptr, 64, ptr, 32)) { revert(0, 0) }
            mstore(add(ptr, 32), right)
            if iszero(staticcall(gas(), SHA256, ptr, 64, ptr, 32)) { revert(0, 0) }
            mstore(add(ptr, 32), domain)
            if iszero(staticcall(gas(), SHA256, ptr, 64, ptr, 32)) { revert(0, 0) }
            root := mload(ptr)
        }
    }

    // ------------------------------------------------------------------ hash to G2 and pairing

    /// @dev OK when e(-g1, signature) · e(pubkey, H(root)) == 1; INVALID_POINT when the
    ///      precompile refuses a point; WRONG_SIGNATURE otherwise.
    function _pairing(uint256 pubkeyPoint, uint256 signaturePoint, bytes32 root) private view returns (uint256 result) {
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := mload(0x40)
            mstore(ptr, NEG_G1_X_HI)
            mstore(add(ptr, 0x20), NEG_G1_X_LO)
            mstore(add(ptr, 0x40), NEG_G1_Y_HI)
            mstore(add(ptr, 0x60), NEG_G1_Y_LO)
            calldatacopy(add(ptr, 128), signaturePoint, 256)
            calldatacopy(add(ptr, 384), pubkeyPoint, 128)
            // The message: the 32-byte root, after the pairing input.
            mstore(add(ptr, 768), root)
            mstore(0x40, add(ptr, 800))
        }
        _hashToG2(ptr + 768, 32, ptr + 512);
        assembly ("memory-safe") {
            let success := staticcall(gas(), PAIRING_CHECK, ptr, 768, ptr, 32)
            switch and(success, eq(returndatasize(), 32))
            case 0 { result := INVALID_POINT }
            default { result := mul(iszero(eq(mload(ptr), 1)), WRONG_SIGNATURE) }
        }
    }

    /// @dev hash_to_curve of the `length` bytes at memory `message`, written (256 bytes) at
    ///      memory `out`. Uses the memory past the free pointer as scratch.
    function _hashToG2(uint256 message, uint256 length, uint256 out) private view {
        assembly ("memory-safe") {
            function fail(precompile) {
                mstore(0, 0x00a48593) // PrecompileFailed(uint256)
                mstore(0x20, precompile)
                revert(0x1c, 0x24)
            }
            // An address without code "succeeds" with no output: check the output's size too
            // (a chain without EIP-2537 must refuse every entry, not accept it).
            function pcall(precompile, from, size, to, outSize) {
                let success := staticcall(gas(), precompile, from, size, to, outSize)
                if iszero(and(success, eq(returndatasize(), outSize))) { fail(precompile) }
            }
            function sha(from, size, to) {
                pcall(SHA256, from, size, to, 32)
            }
            let s := mload(0x40)
            // expand_message_xmd, 256 bytes. msg' = Z_pad (64 zero bytes) ‖ msg ‖ I2OSP(256, 2)
            // ‖ I2OSP(0, 1) ‖ DST'.
            mstore(s, 0)
            mstore(add(s, 0x20), 0)
            mcopy(add(s, 64), message, length)
            let tail := add(add(s, 64), length)
            mstore(tail, shl(232, 0x010000))
            mstore(add(tail, 3), DST_PRIME_0)
            mstore(add(tail, 35), DST_PRIME_1)
            // b_0 at `b0`, then b_1..b_8 at `uniform` (256 bytes).
            let b0 := add(tail, 96)
            sha(s, add(add(64, length), add(3, DST_PRIME_LENGTH)), b0)
            let uniform := add(b0, 32)
            let t := add(uniform, 256)
            // b_i = H((b_0 xor b_(i-1)) ‖ I2OSP(i, 1) ‖ DST'), with b_0 xor "b_0" = b_0.
            mstore(t, mload(b0))
            for { let i := 1 } lt(i, 9) { i := add(i, 1) } {
                mstore8(add(t, 32), i)
                mstore(add(t, 33), DST_PRIME_0)
                mstore(add(t, 65), DST_PRIME_1)
                let bi := add(uniform, mul(sub(i, 1), 32))
                sha(t, add(33, DST_PRIME_LENGTH), bi)
                mstore(t, xor(mload(b0), mload(bi)))
            }
            // Four 64-byte integers mod p, each to 16 zero bytes ‖ 48 bytes: u0 = (e0, e1),
            // u1 = (e2, e3), the MAP_FP2_TO_G2 inputs (c0 ‖ c1).
            let fields := add(t, 128)
            let m := add(fields, 512)
            mstore(m, 64)
            mstore(add(m, 0x20), 1)
            mstore(add(m, 0x40), 48)
            for { let j := 0 } lt(j, 4) { j := add(j, 1) } {
                mcopy(add(m, 0x60), add(uniform, mul(j, 64)), 64)
                mstore8(add(m, 0xa0), 1)
                // p as 48 bytes, right after the exponent byte.
                mstore(add(m, 0xa1), or(shl(128, P_HI), shr(128, P_LO)))
                mstore(add(m, 0xc1), shl(128, P_LO))
                let dest := add(fields, mul(j, 64))
                mstore(dest, 0)
                pcall(MODEXP, m, 0xd1, add(dest, 16), 48)
            }
            // Q0 ‖ Q1, then Q0 + Q1 (the map clears the cofactor; clearing is linear).
            let q := add(m, 0x100)
            pcall(MAP_FP2_TO_G2, fields, 128, q, 256)
            pcall(MAP_FP2_TO_G2, add(fields, 128), 128, add(q, 256), 256)
            pcall(G2ADD, q, 512, out, 256)
        }
    }
}
