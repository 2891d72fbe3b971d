import Foundation
import KuraCore
import KuraTesting
import Testing

@testable import KuraBench

struct MemoryLimitTests {
    @Test func sizesParseAsKubernetesWritesThem() {
        #expect(MemoryCgroup.bytes("8Gi") == 8 << 30)
        #expect(MemoryCgroup.bytes("512Mi") == 512 << 20)
        #expect(MemoryCgroup.bytes("8G") == 8_000_000_000)
        #expect(MemoryCgroup.bytes("4000000000") == 4_000_000_000)
        #expect(MemoryCgroup.bytes("1k") == 1000 && MemoryCgroup.bytes("1Ki") == 1024)
        for bad in ["", "Gi", "0", "-1", "1.5Gi", "8 Gi", "8gi", "99999999999Ti", "٣Gi", "Gi8"] {
            #expect(MemoryCgroup.bytes(bad) == nil, "\(bad)")
        }
    }

    @Test func findsTheMemoryHierarchy() {
        let hybrid = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """
        let membership = "4:memory:/process_api/abc\n1:cpu:/\n0::/\n"
        #expect(MemoryCgroup.locate(mountinfo: hybrid, cgroup: membership, offersMemory: { _ in true })! == (.v1, "/sys/fs/cgroup/memory/process_api/abc"))
        // A container sees its own subtree mounted: the mount's root is cut from the group path.
        let nested = "35 31 0:32 /docker/x /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory"
        #expect(MemoryCgroup.locate(mountinfo: nested, cgroup: "4:memory:/docker/x/job\n", offersMemory: { _ in true })! == (.v1, "/sys/fs/cgroup/memory/job"))
        let unified = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate"
        var asked: [String] = []
        let v2 = MemoryCgroup.locate(
            mountinfo: unified, cgroup: "0::/kubepods/pod1\n",
            offersMemory: {
                asked.append($0)
                return true
            })
        #expect(v2! == (.v2, "/sys/fs/cgroup/kubepods/pod1") && asked == ["/sys/fs/cgroup/kubepods/pod1"])
        #expect(MemoryCgroup.locate(mountinfo: unified, cgroup: "0::/\n", offersMemory: { _ in false }) == nil)
        #expect(MemoryCgroup.locate(mountinfo: "", cgroup: membership) == nil)
    }

    @Test func residentMemoryIsSplitByKind() {
        let status = "Name:\tkura\nVmHWM:\t  2048 kB\nVmRSS:\t  1536 kB\nRssAnon:\t  1024 kB\nRssFile:\t   512 kB\nRssShmem:\t 0 kB\n"
        #expect(ProcessMemory.parse(status) == ProcessMemory(anonymous: 1 << 20, file: 512 << 10, peak: 2 << 20))
        #if os(Linux)
            let now = ProcessMemory.current()
            #expect(now.anonymous > 0 && now.peak >= now.anonymous)
        #endif
    }

    @Test func anonymousPeakSeesWhatAPhaseHeld() {
        #if os(Linux)
            let sampler = AnonymousPeak(interval: 0.005)
            let bytes = 64 << 20
            let block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
            defer { block.deallocate() }
            memset(block, 1, bytes)
            Thread.sleep(forTimeInterval: 0.02)
            #expect(sampler.stop() >= bytes)
        #endif
    }

    /// A run killed inside its group cannot remove it; the next run removes every `kura-bench-PID` whose
    /// process is gone and leaves a live one's and anything else.
    @Test func groupsOfKilledRunsAreRemoved() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("kura-cg-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let dead = "kura-bench-\(exited.processIdentifier)", live = "kura-bench-\(getppid())", mine = "kura-bench-\(getpid())"
        for name in [dead, live, mine, "other"] { try FileManager.default.createDirectory(atPath: parent + "/" + name, withIntermediateDirectories: true) }
        MemoryCgroup.removeStale(in: parent)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent)) == [live, mine, "other"])
    }

    /// Under a limit the search phase runs on the saved segment inside a new cgroup: the segment's pages,
    /// evicted first, are charged to it. It runs in a subprocess, since the group holds the whole process
    /// and tests run side by side. Where this process may make groups (root here) it must succeed; where
    /// it may not, the command must refuse with the reason.
    @Test func searchRunsInsideAMemoryCgroup() throws {
        let (base, queries) = try VectorFilesTests().smallSet()
        let segment = FileManager.default.temporaryDirectory.appendingPathComponent("kura-ml-\(UInt32.random(in: 0...UInt32.max)).kseg")
        defer { for u in [base, queries, segment] { try? FileManager.default.removeItem(at: u) } }
        let r = try KuraBinary.run([
            "bench", "ann", "--base", base.path, "--queries", queries.path, "--save", segment.path, "--memory-limit", "256Mi", "--ef", "40",
            "--json",
        ])
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        let group = MemoryCgroup.locate(mountinfo: mounts, cgroup: membership)?.1
        if let group, access(group, W_OK) == 0 {
            #expect(r.status == 0, "\(r.err)")
            let lines = r.out.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            let memory = try #require(lines.last)
            #expect(memory["memory_limit"] as? Int == 256 << 20 && memory["cgroup"] as? String != nil)
            let peak = memory["cgroup_peak"] as? Int ?? 0, file = memory["cgroup_file"] as? Int ?? 0
            #expect(file > 0 && peak > 0 && peak <= 256 << 20, "\(memory)")
            #expect(lines.count == 3 && (lines[1]["recall"] as? Double ?? 0) >= 0.95)
            let left = try FileManager.default.contentsOfDirectory(atPath: group).filter { $0.hasPrefix("kura-bench-") }
            #expect(left.isEmpty, "groups left behind: \(left)")
        } else {
            #expect(r.status != 0 && r.err.contains("cgroup"), "\(r.err)")
        }
        let noSegment = try KuraBinary.run(["bench", "ann", "--base", base.path, "--queries", queries.path, "--memory-limit", "1Gi"])
        #expect(noSegment.status != 0 && noSegment.err.contains("--load FILE, or --save FILE"))
        let badSize = try KuraBinary.run(["bench", "ann", "--load", segment.path, "--queries", queries.path, "--memory-limit", "8GB"])
        #expect(badSize.status != 0 && badSize.err.contains("8Gi"))
    }
}
