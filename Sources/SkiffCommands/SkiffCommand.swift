import ArgumentParser

/// `skiff`: kubectl-like verbs against a Skiff cluster, plus `skiff cluster up|down`.
public struct SkiffCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "skiff",
        abstract: "Run and inspect pods on a Skiff cluster, the way kubectl does.",
        subcommands: [
            GetCommand.self, DescribeCommand.self, ApplyCommand.self, CreateCommand.self, DeleteCommand.self,
            RunCommand.self, ExposeCommand.self, ScaleCommand.self, LabelCommand.self, LogsCommand.self,
            ExecCommand.self, InspectCommand.self, RolloutCommand.self, SetCommand.self,
            VersionCommand.self,
            ClusterCommand.self,
        ])

    public init() {}
}
