import CKuraKernels

/// Striped spinlocks guarding adjacency lists during parallel insertion: row r uses stripe r mod count.
/// Each is held only while one list is copied or edited (see `kura_spin.h`).
final class NodeLocks: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    private let mask: Int

    init(stripes: Int = 1 << 14) {
        var n = 1
        while n < stripes { n <<= 1 }
        mask = n - 1
        bytes = .allocate(capacity: n)
        bytes.initialize(repeating: 0, count: n)
    }

    deinit { bytes.deallocate() }

    @inline(__always) func lock(_ row: UInt32) { ck_spin_lock(bytes + (Int(row) & mask)) }
    @inline(__always) func unlock(_ row: UInt32) { ck_spin_unlock(bytes + (Int(row) & mask)) }
}
