import ArgumentParser
import Foundation
import StockSchoolCore
import StockSchoolOps
import StockSchoolServer
import StockSchoolSync

/// `stockschool`: one subcommand per job. Commands parse and print; the modules do the work.
struct StockSchoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stockschool",
        abstract: "A research system for China A-shares: sync market data, compute factors, research and serve.",
        discussion: """
            Quick start (no configuration needed):
              stockschool demo       create ./data/stockschool.sqlite, fill it with a
                                     simulated market, evaluate factors, score and rank
                                     stocks, backtest a portfolio
              stockschool rank       the latest ranking of stocks by score
              stockschool db stats   rows and date coverage of every table

            The store is SQLite at ./data/stockschool.sqlite unless --store or
            STOCKSCHOOL_DATABASE_URL names another (postgres://user:pass@host:5432/db).
            Settings come from ./stockschool.yaml (or --config) and STOCKSCHOOL_*
            variables; see docs/configuration.md.

            Exit codes: 0 success, 1 failure, 2 bad usage.
            """,
        subcommands: [
            InitCommand.self, SyncCommand.self, QualityCommand.self, FactorsCommand.self, EvaluateCommand.self,
            ScoreCommand.self, RankCommand.self, BacktestCommand.self, RunDailyCommand.self, DBCommand.self,
            ServeCommand.self, APIKeyCommand.self, AuditCommand.self, HealthCommand.self, PerfCommand.self,
            AlertsCommand.self, WorkerCommand.self, BackupCommand.self, SecretsCommand.self,
            DemoCommand.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        ProcessLogging.install()
        let code: Int32
        do {
            var command = try StockSchoolCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = 0
        } catch {
            code = report(error)
        }
        exit(code)
    }

    /// Prints the error the way a user can act on it and maps it to 0/1/2.
    static func report(_ error: any Error) -> Int32 {
        // A command that already printed its verdict (health: 1 warning, 2 critical).
        if let exit = error as? ExitCode { return exit.rawValue }
        if let error = error as? StockSchoolError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            switch error {
            case .invalidTSCode, .invalidTradeDate, .invalidDateRange, .invalidArgument, .invalidConfiguration,
                .invalidStoreURL:
                return 2
            default:
                return 1
            }
        }
        if error is CommandFailure || error is SyncError || error is TushareError || error is WorkflowError
            || error is MaintenanceError || error is FernetError || error is ListenFailure
        {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 1
        }
        let exitCode = StockSchoolCommand.exitCode(for: error)
        let message = StockSchoolCommand.fullMessage(for: error)
        if exitCode == .success {
            if !message.isEmpty { print(message) }
            return 0
        }
        if exitCode == .validationFailure {
            FileHandle.standardError.write(Data("\(message)\n".utf8))
            return 2
        }
        FileHandle.standardError.write(Data("error: \(message.isEmpty ? "\(error)" : message)\n".utf8))
        return 1
    }
}

/// A failure already explained to the user; exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
