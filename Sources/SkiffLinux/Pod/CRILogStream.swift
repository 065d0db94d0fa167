import Glibc

/// One output stream of one container run, written to its log file in the CRI format kubelet
/// reads (`<RFC3339Nano> <stdout|stderr> <F|P> <text>`): a full line gets `F`; a line longer
/// than `maxLine`, or cut off at EOF, is written in pieces tagged `P` with a final `F`.
final class CRILogStream {
    static let maxLine = 16 * 1024

    let pipeFD: Int32
    let logFD: Int32
    let stream: String
    let container: String
    private var pending: [UInt8] = []

    init(pipeFD: Int32, logFD: Int32, stream: String, container: String) {
        self.pipeFD = pipeFD
        self.logFD = logFD
        self.stream = stream
        self.container = container
    }

    /// Reads what the pipe has; false once the container side is closed (EOF).
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(pipeFD, $0.baseAddress, $0.count) }
            if n > 0 {
                consume(buffer[0..<n])
            } else if n == -1 && (errno == EAGAIN || errno == EINTR) {
                return true
            } else {
                if !pending.isEmpty { emit(pending, partial: false) }
                pending = []
                return false
            }
        }
    }

    func consume(_ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            pending += rest[rest.startIndex..<newline]
            emit(pending, partial: false)
            pending = []
            rest = rest[(newline + 1)...]
        }
        pending += rest
        while pending.count >= Self.maxLine {
            emit(pending[0..<Self.maxLine], partial: true)
            pending.removeFirst(Self.maxLine)
        }
    }

    func emit(_ text: some Collection<UInt8>, partial: Bool) {
        var line = Array("\(Timestamp.rfc3339(Timestamp.now())) \(stream) \(partial ? "P" : "F") ".utf8)
        line += text
        line.append(UInt8(ascii: "\n"))
        // One write per line: O_APPEND keeps lines whole even if a reader tails the file.
        _ = line.withUnsafeBytes { write(logFD, $0.baseAddress, $0.count) }
    }

    func close() {
        Glibc.close(pipeFD)
        Glibc.close(logFD)
    }
}
