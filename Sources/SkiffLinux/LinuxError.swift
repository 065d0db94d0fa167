import Glibc

/// A failed system call, naming the call and its key argument, with errno:
/// `mount(overlay on /var/lib/skiff/pods/…/rootfs): EPERM (1)`.
public struct LinuxError: Error, CustomStringConvertible, Equatable {
    public var call: String
    public var errno: Int32

    public init(_ call: String, errno: Int32 = Glibc.errno) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call): \(String(cString: strerror(errno))) (\(errno))"
    }
}

/// Runs a call that returns -1 with errno on failure, retrying on EINTR.
@discardableResult
package func check(_ call: @autoclosure () -> String, _ body: () -> Int32) throws(LinuxError) -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Glibc.errno
        if error == EINTR { continue }
        throw LinuxError(call(), errno: error)
    }
}
