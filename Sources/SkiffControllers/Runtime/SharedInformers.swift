import Logging
import SkiffAPI
import SkiffClient

/// One informer per resource for every controller in the master, so pods (the largest cache)
/// are listed, watched and held once, however many controllers read them.
public actor SharedInformers {
    let client: APIClient
    let logger: Logger
    private var informers: [String: Informer] = [:]
    private var started: Set<String> = []

    public init(client: APIClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func informer(_ info: ResourceInfo) -> Informer {
        let key = info.group + "/" + info.resource
        if let existing = informers[key] { return existing }
        let informer = Informer(client: client, info: info, logger: logger)
        informers[key] = informer
        return informer
    }

    /// Runs every informer asked for so far, until cancelled. Controllers ask for theirs (and
    /// add their handlers) before this starts, so none misses the first list.
    public func run() async {
        let all = Array(informers.values)
        await withTaskGroup(of: Void.self) { group in
            for informer in all { group.addTask { await informer.run() } }
        }
    }
}
