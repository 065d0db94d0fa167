import SkiffCommands

/// The `skiff` executable: all commands live in SkiffCommands so they can be tested.
@main
enum SkiffMain {
    static func main() async {
        await SkiffCommand.main()
    }
}
