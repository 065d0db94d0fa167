import Dispatch
import Foundation
import Glibc
import NIOCore
import SkiffAPI
import SkiffLinux
import Synchronization

/// Where a remote-command session's client frames go: an exec helper, or an attached
/// container's stdin.
protocol RemoteInput: Sendable {
    func write(_ bytes: [UInt8])
    func closeStdin()
    func resize(columns: Int, rows: Int)
    /// The client has gone.
    func end()
}

extension RemoteInput {
    /// Client frames: stdin bytes, resize, close of stdin. The API server ends the body only
    /// when its client has gone (closing stdin is a frame), so the end of the body ends the
    /// session.
    func feed(from body: some AsyncSequence<ByteBuffer, any Error>) async {
        var decoder = StreamFrameDecoder()
        do {
            for try await buffer in body {
                for frame in decoder.feed(buffer.readableBytesView) {
                    switch frame.channel {
                    case .stdin: write(frame.payload)
                    case .closeStdin: closeStdin()
                    case .resize:
                        if let size = try? JSON.parse(frame.payload), let width = size["Width"]?.int,
                            let height = size["Height"]?.int
                        {
                            resize(columns: Int(width), rows: Int(height))
                        }
                    default: break
                    }
                }
            }
        } catch {}
        end()
    }
}

/// Client input to a descriptor, written in order on a serial queue: blocking writes, off
/// Swift's task threads (a process that does not read its stdin stalls this queue, nothing
/// else). Closed once, after what was queued.
final class InputWriter: Sendable {
    let fd: Int32
    private let queue = DispatchQueue(label: "skiff.input")
    private let open = Mutex(true)

    init(fd: Int32) { self.fd = fd }

    func write(_ bytes: [UInt8]) {
        perform { [fd] in try? Syscalls.writeAll(fd, bytes) }  // EPIPE: the reader has gone
    }

    /// Runs `body` in order with the writes, while the descriptor is open.
    func perform(_ body: @escaping @Sendable () -> Void) {
        guard open.withLock({ $0 }) else { return }
        queue.async(execute: body)
    }

    /// True for the call that closed it.
    @discardableResult
    func close() -> Bool {
        let first = open.withLock { isOpen in
            defer { isOpen = false }
            return isOpen
        }
        if first { queue.async { [fd] in _ = Glibc.close(fd) } }
        return first
    }

    deinit {
        close()
        queue.sync {}  // queued writes go first, then the descriptor closes
    }
}
